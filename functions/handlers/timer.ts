// Lambda entry point: wake-ups from the timer queue (standard SQS, per-message delays).
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { parseFleetTimer } from '../adapters/sqs/fleet-messages';
import { parseTimerMessage } from '../adapters/sqs/messages';
import { fleetTimerOne, type FleetTimerDeps } from '../fleet/timer-one';
import { retryFailedSoon } from '../adapters/sqs/redelivery';
import type { RedeliveryDeps, TimerDeps } from '../loop/deps';
import { timerOne } from '../loop/timer-one';
import { awsDeps } from './aws-deps';

type Deps = TimerDeps & RedeliveryDeps & Partial<FleetTimerDeps>;

export function makeHandler(deps: Deps | (() => Deps)) {
  return async (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> => {
    const d = typeof deps === 'function' ? deps() : deps;
    const onRecord = (record: SQSRecord) => {
      const fleet = parseFleetTimer(record.body); // a fleet's wake-up shares the queue
      if (!fleet) return timerOne(parseTimerMessage(record.body), d);
      if (!d.fleets || !d.fleetTimers) throw new Error(`a wake-up for fleet ${fleet.fleet}, but this timer function has no fleet queue configured`);
      return fleetTimerOne(fleet, { clock: d.clock, fleets: d.fleets, fleetTimers: d.fleetTimers });
    };
    try {
      const response = await processPartialResponse(event, onRecord, new BatchProcessor(EventType.SQS), { context, throwOnFullBatchFailure: false }); // failures are reported, then retried soon
      await retryFailedSoon(response, event.Records, d.redelivery?.timer, d.telemetry);
      return response;
    } finally {
      d.telemetry.flush();
    }
  };
}

export const handler = makeHandler(awsDeps);

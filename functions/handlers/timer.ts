// Lambda entry point: wake-ups from the timer queue (standard SQS, per-message delays).
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { parseTimerMessage } from '../adapters/sqs/messages';
import { retryFailedSoon } from '../adapters/sqs/redelivery';
import type { RedeliveryDeps, TimerDeps } from '../loop/deps';
import { timerOne } from '../loop/timer-one';
import { awsDeps } from './aws-deps';

export function makeHandler(deps: (TimerDeps & RedeliveryDeps) | (() => TimerDeps & RedeliveryDeps)) {
  return async (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> => {
    const d = typeof deps === 'function' ? deps() : deps;
    const onRecord = (record: SQSRecord) => timerOne(parseTimerMessage(record.body), d);
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

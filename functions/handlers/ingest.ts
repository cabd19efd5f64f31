// Lambda entry point: a batch from the ingest queue (standard SQS, fed by the bus rule; each
// body is the EventBridge event). A body that is not JSON is rejected like any invalid event;
// a failed append fails the batch's records, which SQS redelivers after a short backoff.
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { EventBridgeEvent } from 'aws-lambda';
import { retryFailedSoon } from '../adapters/sqs/redelivery';
import type { IngestDeps, RedeliveryDeps } from '../loop/deps';
import { ingestBatch } from '../loop/ingest-batch';
import { awsDeps } from './aws-deps';

const NOT_JSON = { id: '', 'detail-type': '', detail: undefined };

export function makeHandler(deps: (IngestDeps & RedeliveryDeps) | (() => IngestDeps & RedeliveryDeps)) {
  return async (event: SQSEvent, _context?: Context): Promise<SQSBatchResponse> => {
    const d = typeof deps === 'function' ? deps() : deps;
    const events = event.Records.map((record) => parseBody(record.body));
    try {
      await ingestBatch(events, d);
      return { batchItemFailures: [] };
    } catch (error) {
      d.telemetry.error('ingest batch failed', { records: event.Records.length, error: error instanceof Error ? error.message : String(error) });
      d.telemetry.count('IngestFailed');
      const response = { batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) };
      await retryFailedSoon(response, event.Records, d.redelivery?.ingest, d.telemetry);
      return response;
    } finally {
      d.telemetry.flush();
    }
  };
}

function parseBody(body: string): EventBridgeEvent<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  // admitOne rejects a body that is no event by its missing detail, with the usual metric.
  return (typeof parsed === 'object' && parsed !== null ? parsed : NOT_JSON) as EventBridgeEvent<string, unknown>;
}

export const handler = makeHandler(awsDeps);

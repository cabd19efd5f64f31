// Lambda entry point of the fleet loop, for two event sources:
// - the fleet FIFO (MessageGroupId = the fleet's stream id): one fleetOne per fleet in the batch,
//   serial per fleet; a failure fails only its own group, which SQS redelivers in order;
// - the event log's DynamoDB stream, filtered to new commits of `fleet/…` partitions
//   (infra/constructs/fleet-reconcile.ts): an operator's apply, approve, pause or undo asks for a
//   fleet reconcile at once. The ledger's own commits (`fleet/<name>/budget`) change no fleet
//   decision and are skipped; the fleet's own decision commits ask for one more pass, which finds
//   nothing new and appends nothing, so the loop stops there.
import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBStreamEvent, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { EVENT_LOG_PARTITION_KEY, EVENT_LOG_SORT_KEY } from '../adapters/event-store/keys';
import { parseFleetRequest } from '../adapters/sqs/fleet-messages';
import { retryFailedSoon } from '../adapters/sqs/redelivery';
import { fleetOne } from '../fleet/fleet-one';
import type { FleetDeps } from '../fleet/ports';
import type { RedeliveryDeps } from '../loop/deps';
import { fleetAwsDeps } from './fleet-aws-deps';

export type FleetHandlerDeps = FleetDeps & RedeliveryDeps & { fleets: { request(fleet: string, dedupId?: string): Promise<void> } };

/** `fleet/<name>` → name; a ledger's or any other partition → undefined. */
export const fleetOfStream = (streamId: string): string | undefined => /^fleet\/([^/]+)$/.exec(streamId)?.[1];

export function makeHandler(deps: FleetHandlerDeps | (() => FleetHandlerDeps)) {
  return async (event: SQSEvent | DynamoDBStreamEvent, context?: Context): Promise<SQSBatchResponse | undefined> => {
    const d = typeof deps === 'function' ? deps() : deps;
    try {
      if (isStreamEvent(event)) {
        await requestFromCommits(event, d);
        return undefined;
      }
      const runs = new Map<string, Promise<unknown>>();
      const onRecord = async (record: SQSRecord) => {
        const fleet = parseFleetRequest(record.body);
        if (!runs.has(fleet))
          runs.set(
            fleet,
            fleetOne(fleet, d).catch((error: unknown) => failed(fleet, error, d)),
          );
        await runs.get(fleet);
      };
      const response = await processPartialResponse(event, onRecord, new SqsFifoPartialProcessorAsync(), {
        context,
        skipGroupOnError: true,
        throwOnFullBatchFailure: false,
      });
      await retryFailedSoon(response, event.Records, d.redelivery?.reconcile, d.telemetry);
      return response;
    } finally {
      d.telemetry.flush();
    }
  };
}

const isStreamEvent = (event: SQSEvent | DynamoDBStreamEvent): event is DynamoDBStreamEvent => event.Records.some((r) => 'dynamodb' in r);

/** One request per fleet and new commit, deduplicated by the commit: a redelivered stream batch asks once. A failure throws: the stream retries the batch. */
async function requestFromCommits(event: DynamoDBStreamEvent, d: FleetHandlerDeps): Promise<void> {
  const asked = new Map<string, string>();
  for (const record of event.Records) {
    if (record.eventName !== 'INSERT') continue;
    const keys = record.dynamodb?.Keys;
    const fleet = fleetOfStream(keys?.[EVENT_LOG_PARTITION_KEY]?.S ?? '');
    if (fleet) asked.set(fleet, `commit-${keys?.[EVENT_LOG_SORT_KEY]?.N ?? '0'}`); // the newest commit of the batch serves the earlier ones
  }
  await Promise.all([...asked].map(([fleet, dedupId]) => d.fleets.request(fleet, dedupId)));
}

function failed(fleet: string, error: unknown, d: FleetHandlerDeps): never {
  d.telemetry.error('fleet reconcile failed', { fleet, error: error instanceof Error ? error.message : String(error) });
  d.telemetry.count('FleetReconcileFailed');
  throw error;
}

export const handler = makeHandler(fleetAwsDeps);

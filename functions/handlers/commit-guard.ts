// Lambda entry point on the event-log table's DynamoDB stream, which infra filters to MODIFY and
// REMOVE of items that hold events — commits, which no one should ever change. Each one is logged
// with its key and who did it, and counted as CommitRewritten, which an alarm watches. The chain
// (`log verify`) proves what changed; this says when, at once.
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { EVENT_LOG_EVENTS_ATTRIBUTE, EVENT_LOG_PARTITION_KEY, EVENT_LOG_SORT_KEY } from '../adapters/event-store/keys';
import { COMMIT_REWRITTEN_METRIC } from '../checkpoints/config-names';
import { powertoolsTelemetry, type Telemetry } from '../observability';

/** A change to a commit item: not an insert, and the item held events (snapshots and reconcile marks do not). */
export const isCommitRewrite = (record: DynamoDBRecord): boolean =>
  (record.eventName === 'MODIFY' || record.eventName === 'REMOVE') && record.dynamodb?.OldImage?.[EVENT_LOG_EVENTS_ATTRIBUTE] !== undefined;

export function makeHandler(telemetry: () => Telemetry) {
  return async (event: DynamoDBStreamEvent): Promise<void> => {
    const t = telemetry();
    try {
      for (const record of event.Records.filter(isCommitRewrite)) {
        t.error('a commit of the event log was rewritten', {
          eventName: record.eventName,
          streamId: record.dynamodb?.Keys?.[EVENT_LOG_PARTITION_KEY]?.S,
          commit: record.dynamodb?.Keys?.[EVENT_LOG_SORT_KEY]?.N,
          userIdentity: record.userIdentity,
          eventID: record.eventID,
        });
        t.count(COMMIT_REWRITTEN_METRIC);
      }
    } finally {
      t.flush();
    }
  };
}

let built: Telemetry | undefined;
export const handler = makeHandler(() => (built ??= powertoolsTelemetry()));

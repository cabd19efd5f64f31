// The commit guard counts and logs every MODIFY or REMOVE of a commit item, and nothing else.
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { COMMIT_REWRITTEN_METRIC } from '../../functions/checkpoints/config-names';
import { isCommitRewrite, makeHandler } from '../../functions/handlers/commit-guard';
import type { Telemetry } from '../../functions/observability';

const record = (eventName: DynamoDBRecord['eventName'], streamId: string, oldImage?: Record<string, unknown>): DynamoDBRecord => ({
  eventName,
  eventID: `${eventName}-${streamId}`,
  dynamodb: { Keys: { streamId: { S: streamId }, commit: { N: '7' } }, ...(oldImage ? { OldImage: oldImage as never } : {}) },
});

function recordingTelemetry() {
  const counts: Record<string, number> = {};
  const errors: Record<string, unknown>[] = [];
  const telemetry: Telemetry = {
    debug: () => undefined,
    info: () => undefined,
    warn: () => undefined,
    error: (_message, fields = {}) => void errors.push(fields),
    count: (metric, value = 1) => void (counts[metric] = (counts[metric] ?? 0) + value),
    countFor: () => undefined,
    timing: () => undefined,
    flush: () => undefined,
  };
  return { telemetry, counts, errors };
}

describe('commit guard', () => {
  it('counts a modified and a removed commit, naming stream and commit', async () => {
    const { telemetry, counts, errors } = recordingTelemetry();
    await makeHandler(() => telemetry)({
      Records: [record('MODIFY', 'c1/nodes', { events: { B: 'AA==' } }), record('REMOVE', 'c1/pods/default', { events: { B: 'AA==' } })],
    });
    expect(counts[COMMIT_REWRITTEN_METRIC]).toBe(2);
    expect(errors.map((e) => [e.eventName, e.streamId, e.commit])).toEqual([
      ['MODIFY', 'c1/nodes', '7'],
      ['REMOVE', 'c1/pods/default', '7'],
    ]);
  });

  it('ignores inserts, snapshot chunks and reconcile marks (no events in the old image)', async () => {
    const { telemetry, counts } = recordingTelemetry();
    await makeHandler(() => telemetry)({
      Records: [
        record('INSERT', 'c1/nodes'),
        record('REMOVE', 'c1/nodes#snapshot', { snapshot: { B: 'AA==' } }),
        record('MODIFY', 'queue/c1/daemonsets/default/x', { requestedAt: { S: 'now' } }),
      ],
    });
    expect(counts[COMMIT_REWRITTEN_METRIC]).toBeUndefined();
    expect(isCommitRewrite(record('REMOVE', 'registry/clusters', { events: { L: [] } }))).toBe(true);
  });
});

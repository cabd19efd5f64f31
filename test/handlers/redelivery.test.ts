// A failed record comes back in seconds, not after the queue's visibility timeout: the handler
// shortens the visibility of every failed message (the FIFO group's skipped ones too) by receive count.
import { describe, expect, it } from 'vitest';
import type { SQSRecord } from 'aws-lambda';
import { retryDelaySeconds, type Redelivery } from '../../functions/adapters/sqs/redelivery';
import { reconcileRequestBody } from '../../functions/adapters/sqs/messages';
import { makeHandler } from '../../functions/handlers/reconcile';
import type { ReconcileHandlerDeps } from '../../functions/loop/deps';
import { localTelemetry } from '../../functions/observability';

const record = (id: string, group: string, receiveCount: number): SQSRecord => ({
  messageId: id,
  receiptHandle: `handle-${id}`,
  body: reconcileRequestBody({ clusterId: 'c1', namespace: 'default', name: group }),
  attributes: {
    ApproximateReceiveCount: String(receiveCount),
    SentTimestamp: '0',
    SenderId: 's',
    ApproximateFirstReceiveTimestamp: '0',
    MessageGroupId: `c1/daemonsets/default/${group}`,
    MessageDeduplicationId: id,
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:local:0:reconcile.fifo',
  awsRegion: 'local',
});

describe('redelivery of failed records', () => {
  it('backs off 2, 4, 8, 16, 32 s by receive count, at most a minute', () => {
    expect([1, 2, 3, 4, 5, 9].map(retryDelaySeconds)).toEqual([2, 4, 8, 16, 32, 60]);
  });

  it("makes a failed reconcile's message, and its group's skipped ones, visible again after the backoff", async () => {
    const shortened: { receiptHandle: string; seconds: number }[] = [];
    const redelivery: Redelivery = { retryAfter: async (messages) => void shortened.push(...messages) };
    const deps = {
      pending: {
        started: async () => {
          throw new Error('throttled');
        },
        claim: async () => undefined,
        release: async () => undefined,
        waiting: async () => false,
      },
      telemetry: localTelemetry('silent'),
      redelivery: { reconcile: redelivery },
    } as unknown as ReconcileHandlerDeps;
    const response = await makeHandler(deps)({ Records: [record('m1', 'agent', 3), record('m2', 'agent', 1)] });
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['m1', 'm2']);
    expect(shortened).toEqual([
      { receiptHandle: 'handle-m1', seconds: 8 },
      { receiptHandle: 'handle-m2', seconds: 2 },
    ]);
  });
});

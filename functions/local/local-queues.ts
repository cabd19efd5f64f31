// The loop's queue ports on the in-process queues, with SQS's message bodies and dedup ids, and
// queue messages turned into the SQS records the handlers receive in AWS.
import { randomUUID } from 'node:crypto';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { daemonSetStreamId, type DaemonSetKey } from '../../domain/streams';
import type { Clock } from '../clock';
import type { ReconcileQueue, TimerQueue } from '../loop/queues';
import { reconcileRequestBody, timerMessageBody, type RequestCause } from '../adapters/sqs/messages';
import { reconcileDedupId } from '../adapters/sqs/reconcile-queue';
import type { FifoMessage, LocalFifoQueue } from './fifo-queue';
import type { LocalDelayQueue } from './delay-queue';
import type { BatchMessage } from './batch-queue';

export const localReconcileQueue = (queue: LocalFifoQueue): ReconcileQueue => ({
  async enqueue(key: DaemonSetKey, dedupId: string, cause?: RequestCause) {
    queue.send({ body: reconcileRequestBody(key, cause), groupId: daemonSetStreamId(key), dedupId: reconcileDedupId(key, dedupId) });
  },
});

/** Millisecond delays: the local queue is not bound to SQS's whole seconds, so virtual-time rollouts are exact. */
export const localTimerQueue = (queue: LocalDelayQueue, clock: Clock): TimerQueue => ({
  async schedule(key: DaemonSetKey, dueAt: Date, reason: string) {
    queue.send(timerMessageBody({ key, dueAt, reason }), Math.max(0, dueAt.getTime() - clock.now().getTime()));
  },
});

const QUEUE_ARN = 'arn:aws:sqs:local:000000000000:daemonloop';

function sqsRecord(
  messageId: string,
  body: string,
  sentAt: Date,
  receiveCount: number,
  fifo?: { groupId: string; dedupId: string },
  queue = fifo ? `${QUEUE_ARN}-reconcile.fifo` : `${QUEUE_ARN}-timers`,
): SQSRecord {
  return {
    messageId,
    receiptHandle: messageId,
    body,
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: String(sentAt.getTime()),
      SenderId: 'local',
      ApproximateFirstReceiveTimestamp: String(sentAt.getTime()),
      ...(fifo ? { MessageGroupId: fifo.groupId, MessageDeduplicationId: fifo.dedupId } : {}),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: queue,
    awsRegion: 'local',
  };
}

export const fifoEvent = (batch: FifoMessage[]): SQSEvent => ({
  Records: batch.map((m) => sqsRecord(m.messageId, m.body, m.sentAt, m.receiveCount, { groupId: m.groupId, dedupId: m.dedupId })),
});

export const delayEvent = (body: string, sentAt: Date): SQSEvent => ({ Records: [sqsRecord(randomUUID(), body, sentAt, 1)] });

export const ingestEvent = (batch: BatchMessage[]): SQSEvent => ({
  Records: batch.map((m) => sqsRecord(m.messageId, m.body, m.sentAt, m.receiveCount, undefined, `${QUEUE_ARN}-ingest`)),
});

// ReconcileQueue on SQS FIFO: MessageGroupId = the DaemonSet's stream id, so one reconciler runs
// per DaemonSet at a time; MessageDeduplicationId = `<stream id>#<log position>`, so a burst of
// requests for the same log position collapses inside SQS's five-minute window while a request
// carrying newer information is never deduplicated away.
import { createHash } from 'node:crypto';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { daemonSetStreamId, type DaemonSetKey } from '../../../domain/streams';
import type { ReconcileQueue } from '../../loop/queues';
import { reconcileRequestBody, type RequestCause } from './messages';

/** SQS limits MessageDeduplicationId to 128 characters. */
const MAX_DEDUP_ID = 128;

export const reconcileDedupId = (key: DaemonSetKey, position: string): string => {
  const id = `${daemonSetStreamId(key)}#${position}`;
  return id.length <= MAX_DEDUP_ID ? id : createHash('sha256').update(id).digest('hex');
};

export class SqsReconcileQueue implements ReconcileQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(key: DaemonSetKey, dedupId: string, cause?: RequestCause): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: reconcileRequestBody(key, cause),
        MessageGroupId: daemonSetStreamId(key),
        MessageDeduplicationId: reconcileDedupId(key, dedupId),
      }),
    );
  }
}

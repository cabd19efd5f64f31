// A failed record comes back soon, not after the queue's visibility timeout (six times the
// function's: 540 s for reconcile, while its FIFO group waits): the handler shortens the failed
// messages' visibility to an exponential backoff, 2, 4, 8, 16, 32 s by receive count, so a
// message that keeps failing reaches the dead-letter queue (maxReceiveCount 5) in about a minute.
import { ChangeMessageVisibilityBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import type { Telemetry } from '../../observability';

export const MAX_RETRY_DELAY_SECONDS = 60;

export interface Redelivery {
  /** Makes each message visible again after its delay. */
  retryAfter(messages: { receiptHandle: string; seconds: number }[]): Promise<void>;
}

export const retryDelaySeconds = (receiveCount: number): number => Math.min(MAX_RETRY_DELAY_SECONDS, 2 ** Math.max(1, receiveCount));

export class SqsRedelivery implements Redelivery {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async retryAfter(messages: { receiptHandle: string; seconds: number }[]): Promise<void> {
    for (let i = 0; i < messages.length; i += 10) {
      const entries = messages.slice(i, i + 10).map((m, j) => ({ Id: String(i + j), ReceiptHandle: m.receiptHandle, VisibilityTimeout: m.seconds }));
      await this.sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }));
    }
  }
}

/**
 * After a batch: every failed record back on the backoff. Best effort — if this call fails, the
 * queue's own visibility timeout still returns the messages, only later.
 */
export async function retryFailedSoon(
  response: SQSBatchResponse,
  records: SQSRecord[],
  redelivery: Redelivery | undefined,
  telemetry: Telemetry,
): Promise<void> {
  if (!redelivery || response.batchItemFailures.length === 0) return;
  const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
  const messages = records
    .filter((r) => failed.has(r.messageId))
    .map((r) => ({ receiptHandle: r.receiptHandle, seconds: retryDelaySeconds(Number(r.attributes.ApproximateReceiveCount ?? '1')) }));
  try {
    await redelivery.retryAfter(messages);
  } catch (error) {
    telemetry.warn('could not shorten the failed messages’ visibility', { error: error instanceof Error ? error.message : String(error) });
  }
}

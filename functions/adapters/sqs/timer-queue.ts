// TimerQueue on a standard SQS queue with a per-message DelaySeconds (FIFO queues have no
// per-message delay). SQS caps a delay at 900 s; the timer handler re-enqueues what remains.
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DaemonSetKey } from '../../../domain/streams';
import type { Clock } from '../../clock';
import type { TimerQueue } from '../../loop/queues';
import { timerMessageBody } from './messages';

export const MAX_DELAY_SECONDS = 900;

/** Whole seconds, rounded up so a timer never fires early; at most SQS's 900. */
export const delaySecondsUntil = (dueAt: Date, now: Date): number =>
  Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil((dueAt.getTime() - now.getTime()) / 1000)));

export class SqsTimerQueue implements TimerQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    private readonly clock: Clock,
  ) {}

  async schedule(key: DaemonSetKey, dueAt: Date, reason: string): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: timerMessageBody({ key, dueAt, reason }),
        DelaySeconds: delaySecondsUntil(dueAt, this.clock.now()),
      }),
    );
  }
}

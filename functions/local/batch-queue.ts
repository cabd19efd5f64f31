// An in-process standard SQS queue drained in batches, as a Lambda event source mapping does:
// up to `concurrency` batches in flight, each of up to `batchSize` messages in arrival order.
// While every consumer is busy, arrivals accumulate, so a burst is taken in a few large batches.
// A message the consumer reports failed is visible again after the retry delay; one that fails
// `maxReceiveCount` times is kept as a dead letter.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import type { WorkTracker } from './work-tracker';

export interface BatchMessage {
  messageId: string;
  body: string;
  sentAt: Date;
  receiveCount: number;
}

/** Returns the ids of the messages that failed. */
export type BatchConsumer = (batch: BatchMessage[]) => Promise<string[]>;

export interface BatchQueueOptions {
  batchSize: number;
  concurrency: number;
  retryDelayMs?: number;
  maxReceiveCount?: number;
}

export class LocalBatchQueue {
  private readonly visible: BatchMessage[] = [];
  private consumer?: BatchConsumer;
  private running = 0;
  private readonly timers = new Set<() => void>();
  readonly deadLetters: BatchMessage[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly work: WorkTracker,
    private readonly options: BatchQueueOptions,
  ) {}

  consume(consumer: BatchConsumer): void {
    this.consumer = consumer;
    this.pump();
  }

  send(body: string): void {
    this.visible.push({ messageId: randomUUID(), body, sentAt: this.clock.now(), receiveCount: 0 });
    this.pump();
  }

  close(): void {
    this.consumer = undefined;
    for (const cancel of this.timers) cancel();
    this.timers.clear();
  }

  private pump(): void {
    const consumer = this.consumer;
    // Deferred a turn, so the messages of one PutEvents call (or one relist) share a batch.
    if (!consumer || this.running >= this.options.concurrency || this.visible.length === 0) return;
    this.running++;
    void this.work.track(async () => {
      await new Promise((resolve) => setImmediate(resolve));
      const batch = this.visible.splice(0, this.options.batchSize);
      for (const m of batch) m.receiveCount++;
      let failed: Set<string>;
      try {
        failed = batch.length === 0 ? new Set() : new Set(await consumer(batch));
      } catch {
        failed = new Set(batch.map((m) => m.messageId));
      }
      for (const m of batch) if (failed.has(m.messageId)) this.retry(m);
      this.running--;
      this.pump();
    });
  }

  private retry(message: BatchMessage): void {
    if (message.receiveCount >= (this.options.maxReceiveCount ?? 10)) {
      this.deadLetters.push(message);
      return;
    }
    const cancel = this.clock.setTimer(this.options.retryDelayMs ?? 1_000, () => {
      this.timers.delete(cancel);
      this.visible.push(message);
      this.pump();
    });
    this.timers.add(cancel);
  }
}

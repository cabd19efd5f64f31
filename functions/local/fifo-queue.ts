// An in-process SQS FIFO queue: messages of one group are delivered in order, one batch at a
// time; a message the consumer reports failed returns to the head of its group after the
// visibility timeout (at-least-once), and a MessageDeduplicationId seen within the last five
// minutes is accepted but not delivered again — SQS's semantics, on the runtime's clock.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import type { WorkTracker } from './work-tracker';

export interface FifoMessage {
  messageId: string;
  body: string;
  groupId: string;
  dedupId: string;
  sentAt: Date;
  receiveCount: number;
}

/** Returns the ids of the messages that failed; they are redelivered. */
export type FifoConsumer = (batch: FifoMessage[]) => Promise<string[]>;

export interface FifoQueueOptions {
  batchSize?: number; // Lambda's SQS event source: ≤ 10 for FIFO
  visibilityTimeoutMs?: number;
  dedupWindowMs?: number;
  maxReceiveCount?: number; // then the redrive policy moves it to the dead-letter list
}

export class LocalFifoQueue {
  private readonly groups = new Map<string, FifoMessage[]>();
  private readonly busyGroups = new Set<string>(); // a batch in flight, or failed and invisible
  private readonly seenDedupIds = new Map<string, number>(); // dedup id → expiry (clock ms)
  private consumer?: FifoConsumer;
  private readonly timers = new Set<() => void>(); // cancel functions of visibility timeouts
  readonly deadLetters: FifoMessage[] = [];
  private readonly batchSize: number;
  private readonly visibilityTimeoutMs: number;
  private readonly dedupWindowMs: number;
  private readonly maxReceiveCount: number;

  constructor(
    private readonly clock: Clock,
    private readonly work: WorkTracker,
    options: FifoQueueOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 10;
    this.visibilityTimeoutMs = options.visibilityTimeoutMs ?? 5_000;
    this.dedupWindowMs = options.dedupWindowMs ?? 5 * 60_000;
    this.maxReceiveCount = options.maxReceiveCount ?? 10;
  }

  /** Starts delivery; one consumer per queue, as one Lambda event source mapping. */
  consume(consumer: FifoConsumer): void {
    this.consumer = consumer;
    this.pump();
  }

  send(message: { body: string; groupId: string; dedupId: string }): void {
    const now = this.clock.now().getTime();
    const expiry = this.seenDedupIds.get(message.dedupId);
    if (expiry !== undefined && expiry > now) return;
    this.seenDedupIds.set(message.dedupId, now + this.dedupWindowMs);
    const group = this.groups.get(message.groupId) ?? [];
    group.push({ ...message, messageId: randomUUID(), sentAt: this.clock.now(), receiveCount: 0 });
    this.groups.set(message.groupId, group);
    this.pump();
  }

  /** Stops delivering (the runtime is stopping). */
  close(): void {
    this.consumer = undefined;
    for (const cancel of this.timers) cancel();
    this.timers.clear();
  }

  /** Messages waiting or in flight. */
  get depth(): number {
    let n = 0;
    for (const group of this.groups.values()) n += group.length;
    return n;
  }

  private pump(): void {
    const consumer = this.consumer;
    if (!consumer) return;
    for (const [groupId, group] of this.groups) {
      if (this.busyGroups.has(groupId) || group.length === 0) continue;
      this.busyGroups.add(groupId);
      const batch = group.slice(0, this.batchSize);
      for (const m of batch) m.receiveCount++;
      void this.work.track(() => this.deliver(groupId, batch, consumer));
    }
    this.forgetExpiredDedupIds();
  }

  private async deliver(groupId: string, batch: FifoMessage[], consumer: FifoConsumer): Promise<void> {
    let failed: Set<string>;
    try {
      failed = new Set(await consumer(batch));
    } catch {
      failed = new Set(batch.map((m) => m.messageId));
    }
    const group = this.groups.get(groupId) ?? [];
    const delivered = new Set(batch.filter((m) => !failed.has(m.messageId)).map((m) => m.messageId));
    const exhausted = batch.filter((m) => failed.has(m.messageId) && m.receiveCount >= this.maxReceiveCount);
    this.deadLetters.push(...exhausted);
    const gone = new Set([...delivered, ...exhausted.map((m) => m.messageId)]);
    const remaining = group.filter((m) => !gone.has(m.messageId));
    if (remaining.length === 0) this.groups.delete(groupId);
    else this.groups.set(groupId, remaining);
    if (failed.size > exhausted.length) {
      // The group stays blocked until the failed messages become visible again, keeping order.
      const cancel = this.clock.setTimer(this.visibilityTimeoutMs, () => {
        this.timers.delete(cancel);
        this.busyGroups.delete(groupId);
        this.pump();
      });
      this.timers.add(cancel);
    } else {
      this.busyGroups.delete(groupId);
      this.pump();
    }
  }

  private forgetExpiredDedupIds(): void {
    if (this.seenDedupIds.size < 10_000) return;
    const now = this.clock.now().getTime();
    for (const [id, expiry] of this.seenDedupIds) if (expiry <= now) this.seenDedupIds.delete(id);
  }
}

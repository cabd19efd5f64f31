// An in-process standard SQS queue with per-message delays: each message is delivered once its
// delay has passed on the runtime's clock; a failed delivery is retried after the visibility
// timeout. A message identical to one still waiting is dropped: every reconcile of a rollout wave
// asks for the same wake-up, and one delivery serves them all (SQS would deliver each, harmlessly).
import type { Clock } from '../clock';
import type { WorkTracker } from './work-tracker';

export type DelayConsumer = (body: string) => Promise<void>;

export class LocalDelayQueue {
  private consumer?: DelayConsumer;
  private readonly parked: string[] = []; // sent before a consumer was attached
  private pendingCount = 0;
  private readonly timers = new Set<() => void>(); // cancel functions of pending deliveries
  private readonly waiting = new Set<string>(); // bodies not yet delivered

  constructor(
    private readonly clock: Clock,
    private readonly work: WorkTracker,
    private readonly visibilityTimeoutMs = 5_000,
  ) {}

  consume(consumer: DelayConsumer): void {
    this.consumer = consumer;
    for (const body of this.parked.splice(0)) this.send(body, 0);
  }

  /** Delivers `body` after `delayMs` of clock time (SQS caps DelaySeconds at 900; the timer handler re-enqueues the rest). */
  send(body: string, delayMs: number): void {
    if (!this.consumer) {
      this.parked.push(body);
      return;
    }
    if (this.waiting.has(body)) return;
    this.waiting.add(body);
    this.pendingCount++;
    this.after(delayMs, () => {
      this.waiting.delete(body);
      this.deliver(body);
    });
  }

  /** Drops every pending message (the runtime is stopping; SQS would keep them, the log keeps their cause). */
  close(): void {
    for (const cancel of this.timers) cancel();
    this.timers.clear();
  }

  private after(ms: number, fn: () => void): void {
    const cancel = this.clock.setTimer(ms, () => {
      this.timers.delete(cancel);
      fn();
    });
    this.timers.add(cancel);
  }

  /** Messages waiting for their delay or in flight. */
  get pending(): number {
    return this.pendingCount + this.parked.length;
  }

  private deliver(body: string): void {
    const consumer = this.consumer!;
    void this.work.track(async () => {
      try {
        await consumer(body);
        this.pendingCount--;
      } catch {
        this.after(this.visibilityTimeoutMs, () => this.deliver(body));
      }
    });
  }
}

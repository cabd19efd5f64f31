// The forwarder's queue between informers and the sink: observations leave in the order they
// were observed, in batches; a failed send is retried (backoff 1 s doubling to 30 s) until it
// succeeds, so no observation is lost while the process lives (a restarted forwarder relists).
import type { Observation } from '../../domain/events';
import type { Clock } from '../clock';
import type { Telemetry } from '../observability';
import { unsentOf, type EventSink } from './event-sink';
import { doublingDelay } from '../doubling-delay';

const BATCH_SIZE = 100; // observations per sink call; the sink splits them into PutEvents requests
const FIRST_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 30_000;

export class Outbox {
  private readonly pending: Observation[] = [];
  private sending?: Promise<void>;
  /** The last send was refused (or threw) and none has succeeded since. */
  failing = false;

  constructor(
    private readonly sink: EventSink,
    private readonly clock: Clock,
    private readonly telemetry: Telemetry,
  ) {}

  push(observation: Observation): void {
    this.pending.push(observation);
    this.kick();
  }

  private kick(): void {
    if (this.sending) return;
    this.sending = this.drain().finally(() => {
      this.sending = undefined;
      if (this.pending.length > 0) this.kick(); // pushed while the last send was settling
    });
  }

  /** Resolves once everything pushed so far has been sent. */
  async idle(): Promise<void> {
    while (this.sending) await this.sending;
  }

  /** Drops what has not been sent (a process that dies loses it; the next leader's relist covers it). */
  discard(): void {
    this.pending.length = 0;
  }

  get size(): number {
    return this.pending.length;
  }

  private async drain(): Promise<void> {
    let failures = 0;
    while (this.pending.length > 0) {
      const batch = this.pending.slice(0, BATCH_SIZE);
      try {
        await this.sink.send(batch);
      } catch (error) {
        // Keep what did not go, in order, in place of the batch; retry after a backoff.
        this.failing = true;
        const unsent = unsentOf(error) ?? batch;
        this.pending.splice(0, batch.length, ...unsent);
        this.telemetry.count('forwarder.observations_sent', batch.length - unsent.length);
        const backoff = doublingDelay(FIRST_BACKOFF_MS, MAX_BACKOFF_MS, ++failures);
        this.telemetry.warn('forwarder: send failed, will retry', { unsent: unsent.length, of: batch.length, backoffMs: backoff, error: String(error) });
        this.telemetry.count('forwarder.send_retries');
        await this.clock.sleep(backoff);
        continue;
      }
      this.pending.splice(0, batch.length);
      this.failing = false;
      this.telemetry.count('forwarder.observations_sent', batch.length);
      failures = 0;
    }
  }
}

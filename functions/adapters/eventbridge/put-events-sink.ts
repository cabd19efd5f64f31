// Observations onto an event bus, one PutEvents entry each. PutEvents can succeed while some of
// its entries failed (FailedEntryCount > 0, ErrorCode per entry): only those are sent again, with
// backoff; an entry still failing after the last attempt fails the send, naming its error and
// every observation that did not go (so a caller resends those, not the ones that went).
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { ForwardedEvent } from '../../../domain/events';
import { forwarderSource } from '../../bus/patterns';
import type { Clock } from '../../clock';
import { sizeBatches } from '../../size-batches';
import type { PutEventsPort } from './put-events-port';
import { doublingDelay } from '../../doubling-delay';

/** PutEvents accepts ≤ 10 entries and ≤ 256 KB per request. */
const MAX_ENTRIES_PER_REQUEST = 10;
const MAX_REQUEST_BYTES = 256 * 1024;
const MAX_BACKOFF_MS = 5_000;

export interface PutEventsSinkOptions {
  eventBus: string;
  /** The entries' Source; by default `forwarderSource(<the observation's clusterId>)`. On EKS, forwarderSource(<the EKS cluster's name>). */
  source?: string;
  clock: Clock;
  maxAttempts?: number;
  firstBackoffMs?: number;
}

export class PutEventsFailed extends Error {
  constructor(
    readonly errors: string[],
    readonly unsent: ForwardedEvent[],
  ) {
    super(`PutEvents: ${errors.length} entries still failing: ${[...new Set(errors)].join(', ')}`);
    this.name = 'PutEventsFailed';
  }
}

export class PutEventsSink {
  private readonly maxAttempts: number;
  private readonly firstBackoffMs: number;

  constructor(
    private readonly port: PutEventsPort,
    private readonly options: PutEventsSinkOptions,
  ) {
    this.maxAttempts = options.maxAttempts ?? 5;
    this.firstBackoffMs = options.firstBackoffMs ?? 100;
  }

  async send(observations: ForwardedEvent[]): Promise<void> {
    const observationOf = new Map(observations.map((o) => [this.entry(o), o]));
    const batches = requestBatches([...observationOf.keys()]);
    for (const [i, batch] of batches.entries()) {
      const stillFailing = await this.sendBatch(batch);
      if (stillFailing) {
        const unsent = [...stillFailing.entries, ...batches.slice(i + 1).flat()].map((e) => observationOf.get(e)!);
        throw new PutEventsFailed(stillFailing.errors, unsent);
      }
    }
  }

  private entry(observation: ForwardedEvent): PutEventsRequestEntry {
    return {
      Source: this.options.source ?? forwarderSource(observation.clusterId),
      DetailType: observation.type,
      Detail: JSON.stringify(observation),
      EventBusName: this.options.eventBus,
      Time: new Date(observation.time),
    };
  }

  /** Undefined once every entry went; else the entries still failing after the last attempt. */
  private async sendBatch(entries: PutEventsRequestEntry[]): Promise<{ entries: PutEventsRequestEntry[]; errors: string[] } | undefined> {
    let pending = entries;
    for (let attempt = 1; ; attempt++) {
      const response = await this.port.putEvents(pending);
      if (!response.FailedEntryCount) return undefined;
      const results = response.Entries ?? [];
      const failed = pending.filter((_, i) => results[i]?.ErrorCode !== undefined || results[i] === undefined);
      if (attempt >= this.maxAttempts) return { entries: failed, errors: results.flatMap((r) => (r.ErrorCode ? [r.ErrorCode] : [])) };
      pending = failed;
      await this.options.clock.sleep(doublingDelay(this.firstBackoffMs, MAX_BACKOFF_MS, attempt));
    }
  }
}

/** Splits entries into requests within PutEvents' count and size limits (size as AWS computes it). */
export const requestBatches = (entries: PutEventsRequestEntry[]): PutEventsRequestEntry[][] =>
  sizeBatches(entries, entrySize, { maxBytes: MAX_REQUEST_BYTES, maxCount: MAX_ENTRIES_PER_REQUEST });

/** https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html */
function entrySize(entry: PutEventsRequestEntry): number {
  return (
    (entry.Time ? 14 : 0) +
    Buffer.byteLength(entry.Source ?? '') +
    Buffer.byteLength(entry.DetailType ?? '') +
    Buffer.byteLength(entry.Detail ?? '') +
    (entry.Resources ?? []).reduce((n, r) => n + Buffer.byteLength(r), 0)
  );
}

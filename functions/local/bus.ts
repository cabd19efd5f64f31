// The in-process EventBridge bus: PutEvents in, EventBridge envelopes out to every rule whose
// pattern matches (the same matcher and constants as the CDK rule). Delivery is asynchronous and
// retried with backoff like a rule target; an event that keeps failing is kept as a dead letter.
import { randomUUID } from 'node:crypto';
import type { EventBridgeEvent } from 'aws-lambda';
import type { PutEventsRequestEntry, PutEventsResultEntry } from '@aws-sdk/client-eventbridge';
import type { Clock } from '../clock';
import type { PutEventsPort } from '../adapters/eventbridge/put-events-port';
import { matchesPattern, type EventPattern } from './event-pattern';
import type { WorkTracker } from './work-tracker';
import { doublingDelay } from '../doubling-delay';

export type BusEvent = EventBridgeEvent<string, unknown> & { 'event-bus-name': string };
export type RuleTarget = (event: BusEvent) => Promise<void>;

/** PutEvents limits: ≤ 10 entries, each < 256 KB. */
const MAX_ENTRIES = 10;
const MAX_ENTRY_BYTES = 256 * 1024;
const DELIVERY_ATTEMPTS = 8;
const FIRST_RETRY_MS = 1_000;

interface Rule {
  name: string;
  pattern: EventPattern;
  target: RuleTarget;
  concurrency: number; // like a Lambda target's reserved concurrency
  running: number;
  waiting: (() => void)[];
}

export class LocalEventBus implements PutEventsPort {
  private readonly rules: Rule[] = [];
  private readonly retries = new Set<() => void>(); // cancel functions of pending redeliveries
  readonly deadLetters: { rule: string; event: BusEvent; error: unknown }[] = [];

  constructor(
    readonly name: string,
    private readonly clock: Clock,
    private readonly work: WorkTracker,
  ) {}

  /** `concurrency` caps the target's parallel invocations, as a Lambda target's reserved concurrency does. */
  addRule(name: string, pattern: EventPattern, target: RuleTarget, concurrency = Number.POSITIVE_INFINITY): void {
    matchesPattern(pattern, {}); // an unsupported operator fails here, at wiring time
    this.rules.push({ name, pattern, target, concurrency, running: 0, waiting: [] });
  }

  async putEvents(entries: PutEventsRequestEntry[]): Promise<{ FailedEntryCount: number; Entries: PutEventsResultEntry[] }> {
    if (entries.length < 1 || entries.length > MAX_ENTRIES) {
      throw Object.assign(new Error(`Entries must have length between 1 and ${MAX_ENTRIES}`), { name: 'ValidationException' });
    }
    const results = entries.map((entry) => this.accept(entry));
    return { FailedEntryCount: results.filter((r) => r.ErrorCode).length, Entries: results };
  }

  /** Drops pending redeliveries (the runtime is stopping). */
  close(): void {
    for (const cancel of this.retries) cancel();
    this.retries.clear();
  }

  private accept(entry: PutEventsRequestEntry): PutEventsResultEntry {
    if (!entry.Source || !entry.DetailType || entry.Detail === undefined) {
      return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameters Source, DetailType and Detail are required' };
    }
    if ((entry.EventBusName ?? 'default') !== this.name) {
      return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${entry.EventBusName} does not exist` };
    }
    if (Buffer.byteLength(entry.Detail) + entry.Source.length + entry.DetailType.length >= MAX_ENTRY_BYTES) {
      return { ErrorCode: 'ValidationException', ErrorMessage: 'Total size of the entries in the request is over the limit' };
    }
    let detail: unknown;
    try {
      detail = JSON.parse(entry.Detail);
    } catch {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed' };
    }
    const event: BusEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': entry.DetailType,
      source: entry.Source,
      account: '000000000000',
      time: (entry.Time ?? this.clock.now()).toISOString().replace(/\.\d+Z$/, 'Z'),
      region: 'local',
      resources: entry.Resources ?? [],
      detail,
      'event-bus-name': this.name,
    };
    for (const rule of this.rules) if (matchesPattern(rule.pattern, event)) this.deliver(rule, event, 1);
    return { EventId: event.id };
  }

  private deliver(rule: Rule, event: BusEvent, attempt: number): void {
    void this.work.track(async () => {
      if (rule.running >= rule.concurrency) await new Promise<void>((resolve) => rule.waiting.push(resolve));
      rule.running++;
      try {
        await rule.target(event);
      } catch (error) {
        if (attempt >= DELIVERY_ATTEMPTS) this.deadLetters.push({ rule: rule.name, event, error });
        else {
          const cancel = this.clock.setTimer(doublingDelay(FIRST_RETRY_MS, Number.POSITIVE_INFINITY, attempt), () => {
            this.retries.delete(cancel);
            this.deliver(rule, event, attempt + 1);
          });
          this.retries.add(cancel);
        }
      } finally {
        rule.running--;
        rule.waiting.shift()?.();
      }
    });
  }
}

// Where the forwarder's observations go. On AWS: PutEvents on the daemonloop bus, in requests of
// ≤ 10 entries and ≤ 256 KB, sending again only the entries EventBridge reported failed
// (PutEventsSink). A send that still fails rejects; the outbox keeps the observations and retries
// them all, or only the error's `unsent` ones when the sink says which did not go.
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { ForwardedEvent, Observation } from '../../domain/events';
import { eventBridgePutEvents } from '../adapters/eventbridge/put-events-port';
import { PutEventsSink } from '../adapters/eventbridge/put-events-sink';
import type { Clock } from '../clock';

/** Observations by default; the forwarder's own sink also takes its heartbeat (heartbeat.ts). */
export interface EventSink<E extends ForwardedEvent = Observation> {
  /** Resolves once every event was accepted. */
  send(events: E[]): Promise<void>;
}

/** What a sink may reject with: the observations that were not accepted (the others were). */
export const unsentOf = (error: unknown): Observation[] | undefined => {
  const unsent = (error as { unsent?: unknown } | null)?.unsent;
  return Array.isArray(unsent) ? (unsent as Observation[]) : undefined;
};

export function eventBridgeSink(options: { eventBus: string; clock: Clock; source?: string; client?: EventBridgeClient }): EventSink<ForwardedEvent> {
  return new PutEventsSink(eventBridgePutEvents(options.client ?? new EventBridgeClient({})), {
    eventBus: options.eventBus,
    clock: options.clock,
    ...(options.source ? { source: options.source } : {}),
  });
}

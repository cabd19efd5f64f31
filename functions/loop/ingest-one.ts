// One forwarded observation's (or heartbeat's) checks, in one place: validate → check its cluster is
// registered and the event came from that cluster's forwarder. Every per-event admission rule lives here
// (ingest-batch.ts calls it for each event of a batch). A bad event is rejected with a log line
// and a metric, and nothing is written; it is not retried (it would fail the same way again).
import type { EventBridgeEvent } from 'aws-lambda';
import { InvalidEventError, isInvalidEventError, parseForwarded } from '../../domain/event-schema';
import { FORWARDER_HEARTBEAT, type ForwardedEvent, type ForwarderHeartbeat, type Observation } from '../../domain/events';
import type { IngestDeps } from './deps';
import { SOURCE_MISMATCH_METRIC, sourceMismatch } from './source-binding';

export type IngestOutcome = { accepted: true; reconciles: number } | { accepted: false; reason: string };
export type Admission = { observation: Observation } | { heartbeat: ForwarderHeartbeat } | { rejected: IngestOutcome & { accepted: false } };

export async function admitOne(event: EventBridgeEvent<string, unknown>, deps: Pick<IngestDeps, 'registry' | 'telemetry'>): Promise<Admission> {
  let observation: ForwardedEvent;
  try {
    observation = parseForwarded(event.detail); // 1. validate at the boundary
    if (observation.type !== event['detail-type'])
      throw new InvalidEventError(`detail-type ${event['detail-type']} does not match the event's type ${observation.type}`);
  } catch (error) {
    if (!isInvalidEventError(error)) throw error;
    return reject(deps, 'IngestRejectedInvalid', event, error.message);
  }
  const cluster = await deps.registry.lookup(observation.clusterId);
  if (!cluster) return reject(deps, 'IngestRejectedUnregisteredCluster', event, `cluster ${JSON.stringify(observation.clusterId)} is not registered`); // 2.
  const forged = sourceMismatch(event.source, cluster);
  if (forged) return reject(deps, SOURCE_MISMATCH_METRIC, event, forged); // … and only its own forwarder speaks for it
  return observation.type === FORWARDER_HEARTBEAT ? { heartbeat: observation } : { observation };
}

function reject(deps: Pick<IngestDeps, 'telemetry'>, metric: string, event: EventBridgeEvent<string, unknown>, reason: string): Admission {
  deps.telemetry.warn('rejected a forwarded event', {
    eventId: event.id,
    source: event.source,
    account: event.account,
    detailType: event['detail-type'],
    reason,
  });
  deps.telemetry.count(metric);
  return { rejected: { accepted: false, reason } };
}

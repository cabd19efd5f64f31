// One forwarded observation: validate → check its cluster is registered and the event came from
// that cluster's forwarder → append → enqueue a reconcile for every DaemonSet it can affect. A bad event is rejected with a log line and a
// metric, and nothing is written; it is not retried (it would fail the same way again).
import type { EventBridgeEvent } from 'aws-lambda';
import { InvalidEventError, isInvalidEventError, parseObservation } from '../../domain/event-schema';
import { DAEMONSET_OBSERVED, type Observation } from '../../domain/events';
import { FLEET_NAME_ANNOTATION } from '../../domain/fleet/types';
import { observationIdentity } from '../log/routing';
import { affectedDaemonSets } from './affected-daemonsets';
import type { IngestDeps } from './deps';
import { requestReconcile } from './request-reconcile';
import { SOURCE_MISMATCH_METRIC, sourceMismatch } from './source-binding';

export type IngestOutcome = { accepted: true; reconciles: number } | { accepted: false; reason: string };

export async function ingestOne(event: EventBridgeEvent<string, unknown>, deps: IngestDeps): Promise<IngestOutcome> {
  let observation: Observation;
  try {
    observation = parseObservation(event.detail); // 1. validate at the boundary
    if (observation.type !== event['detail-type']) throw new InvalidEventError(`detail-type ${event['detail-type']} does not match the event's type ${observation.type}`);
  } catch (error) {
    if (!isInvalidEventError(error)) throw error;
    return reject(deps, 'IngestRejectedInvalid', event, error.message);
  }
  const cluster = await deps.registry.lookup(observation.clusterId);
  if (!cluster) return reject(deps, 'IngestRejectedUnregisteredCluster', event, `cluster ${JSON.stringify(observation.clusterId)} is not registered`); // 2.
  const forged = sourceMismatch(event.source, cluster);
  if (forged) return reject(deps, SOURCE_MISMATCH_METRIC, event, forged); // … and only its own forwarder speaks for it
  await deps.log.appendObservations([observation]); // 3. idempotent: a redelivered event is not appended twice
  const affected = await affectedDaemonSets(observation, deps.log);
  const position = observationIdentity(observation);
  const requested = await Promise.all(affected.map((key) => requestReconcile(key, position, deps))); // 4. unless one is waiting
  const fleet = observation.type === DAEMONSET_OBSERVED ? observation.daemonSet.metadata?.annotations?.[FLEET_NAME_ANNOTATION] : undefined;
  if (fleet) await deps.fleets?.request(fleet); // 5. a fleet member's DaemonSet changed: its fleet looks again
  deps.telemetry.count('IngestAccepted');
  return { accepted: true, reconciles: requested.filter(Boolean).length };
}

function reject(deps: IngestDeps, metric: string, event: EventBridgeEvent<string, unknown>, reason: string): IngestOutcome {
  deps.telemetry.warn('rejected a forwarded event', { eventId: event.id, source: event.source, account: event.account, detailType: event['detail-type'], reason });
  deps.telemetry.count(metric);
  return { accepted: false, reason };
}

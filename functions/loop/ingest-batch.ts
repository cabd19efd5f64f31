// A batch of forwarded observations from the ingest queue: admit each (ingest-one.ts) → append
// them with one commit per stream (a relist of 5,000 nodes is a few commits, not 5,000 racing
// ones) → enqueue one reconcile per affected DaemonSet for the whole batch → ask each fleet whose
// member DaemonSet changed to look again. A forwarder's heartbeat is admitted the same way, then
// only counted (the ForwarderHeartbeat metric per ClusterId, alarmed on its absence), never appended.
import type { EventBridgeEvent } from 'aws-lambda';
import { DAEMONSET_OBSERVED, type Observation } from '../../domain/events';
import { FLEET_NAME_ANNOTATION } from '../../domain/fleet/types';
import { daemonSetStreamId, type DaemonSetKey } from '../../domain/streams';
import type { RequestCause } from '../adapters/sqs/messages';
import { observationIdentity } from '../log/routing';
import { affectedDaemonSets } from './affected-daemonsets';
import type { IngestDeps } from './deps';
import { admitOne, type IngestOutcome } from './ingest-one';
import { requestReconcile } from './request-reconcile';

/** Ingest's count of forwarder heartbeats, dimensioned by ClusterId: infra alarms per cluster when it stops. */
export const FORWARDER_HEARTBEAT_METRIC = 'ForwarderHeartbeat';

/** One outcome per event, in order. A failed append or enqueue throws: the whole batch is retried (appends are idempotent). */
export async function ingestBatch(events: EventBridgeEvent<string, unknown>[], deps: IngestDeps): Promise<IngestOutcome[]> {
  const admitted = await Promise.all(events.map((event) => admitOne(event, deps))); // 1. per-event checks
  const observations = admitted.flatMap((a) => ('observation' in a ? [a.observation] : []));
  for (const a of admitted) if ('heartbeat' in a) deps.telemetry.countFor(FORWARDER_HEARTBEAT_METRIC, { ClusterId: a.heartbeat.clusterId });
  await deps.log.appendObservations(observations); // 2. one commit per stream (split by size)

  // 3. One request per DaemonSet, named after the last observation that affects it.
  const requests = new Map<string, { key: DaemonSetKey; position: string; cause?: RequestCause; from: Set<Observation> }>();
  const log = daemonSetsListedOnce(deps.log);
  for (const observation of observations) {
    for (const key of await affectedDaemonSets(observation, log)) {
      const id = daemonSetStreamId(key);
      const request = requests.get(id) ?? { key, position: '', from: new Set<Observation>() };
      request.position = observationIdentity(observation);
      request.cause ??= { observedAt: new Date(observation.time), observation: request.position }; // the oldest: the lag SLI measures the longest wait
      request.from.add(observation);
      requests.set(id, request);
    }
  }
  const requested = await Promise.all([...requests.values()].map(async (r) => ({ r, sent: await requestReconcile(r.key, r.position, deps, r.cause) })));

  // 4. A fleet member's DaemonSet changed: its fleet looks again (once per fleet per batch).
  const fleets = new Set(
    observations
      .flatMap((o) => (o.type === DAEMONSET_OBSERVED ? [o.daemonSet.metadata?.annotations?.[FLEET_NAME_ANNOTATION]] : []))
      .filter((f): f is string => !!f),
  );
  if (deps.fleets) await Promise.all([...fleets].map((fleet) => deps.fleets!.request(fleet)));
  if (observations.length > 0) deps.telemetry.count('IngestAccepted', observations.length);

  return admitted.map((a) => {
    if ('rejected' in a) return a.rejected;
    if ('heartbeat' in a) return { accepted: true, reconciles: 0 };
    return { accepted: true, reconciles: requested.filter(({ r, sent }) => sent && r.from.has(a.observation)).length };
  });
}

/** A cluster's DaemonSets listed once per batch: a relist's 5,000 node events ask the same question. */
function daemonSetsListedOnce(log: IngestDeps['log']): IngestDeps['log'] {
  const listed = new Map<string, Promise<DaemonSetKey[]>>();
  return {
    appendObservations: (events) => log.appendObservations(events),
    daemonSetsOfCluster: (clusterId) => {
      if (!listed.has(clusterId)) listed.set(clusterId, log.daemonSetsOfCluster(clusterId));
      return listed.get(clusterId)!;
    },
  };
}

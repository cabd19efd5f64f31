// A cluster's DaemonSet as the fleet reads it: which fleet revision it runs and how far its own
// controller has rolled it out (the status our reconcile writes, as the forwarder saw it).
import type { V1DaemonSet } from '@kubernetes/client-node';
import type { ClusterObservation } from '../../domain/fleet/progressive';
import { FLEET_REVISION_ANNOTATION } from '../../domain/fleet/types';

export function observationOf(ds: V1DaemonSet | undefined): ClusterObservation | undefined {
  if (!ds) return undefined;
  const revision = Number(ds.metadata?.annotations?.[FLEET_REVISION_ANNOTATION]);
  const s = ds.status;
  return {
    ...(Number.isInteger(revision) ? { revision } : {}),
    ...(ds.metadata?.generation !== undefined ? { generation: ds.metadata.generation } : {}),
    ...(s?.observedGeneration !== undefined ? { observedGeneration: s.observedGeneration } : {}),
    desired: s?.desiredNumberScheduled ?? 0,
    updated: s?.updatedNumberScheduled ?? 0,
    available: s?.numberAvailable ?? 0,
  };
}

/** The fleet's `observe` port over the event log: the member's DaemonSet as its last commit holds it, with that commit (`at`). */
export const observeFromLog =
  (log: {
    rebuild(key: { clusterId: string; namespace: string; name: string }, now: Date): Promise<{ input?: { daemonSet: V1DaemonSet }; daemonSetCommit: number }>;
  }) =>
  async (clusterId: string, namespace: string, name: string, now: Date): Promise<ClusterObservation | undefined> => {
    const rebuilt = await log.rebuild({ clusterId, namespace, name }, now);
    const o = observationOf(rebuilt.input?.daemonSet);
    return o && { ...o, at: rebuilt.daemonSetCommit };
  };

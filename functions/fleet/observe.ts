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

// The run's plan, frozen when a revision starts (KubeFleet snapshots its strategy into the run):
// the stages with their clusters and resolved limits, and each cluster's effective spec. Later
// edits to the stages or overrides do not reach a running plan; a new revision starts a new run.
// Each placed cluster belongs to the first stage that selects it; clusters no stage selects form a
// last stage, "remaining". Without `spec.rollout` every cluster starts at once (OCM's type All).
import { effectiveSpec, type EffectiveSpec } from './effective-spec';
import { selectClusters, selectionMatcher } from './placement';
import type { FleetCluster, FleetDaemonSetSpec, FleetStage } from './types';
import type { IntOrString } from '@kubernetes/client-node';

export const REMAINING_STAGE = 'remaining';

export interface PlannedStage {
  name: string;
  clusters: string[]; // by id
  maxConcurrency: number;
  minSuccessSeconds: number;
  progressDeadlineSeconds?: number;
  maxFailedClusters: number;
  approval: boolean;
}

export interface RolloutPlan {
  revision: number;
  stages: PlannedStage[];
  specs: Record<string, EffectiveSpec>; // by cluster id
}

/** "N%" of `total` rounded down (a count of whole clusters must not overshoot); integers as given. */
export function scaledDown(value: IntOrString | undefined, total: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number') return value;
  return Math.floor((parseInt(value, 10) * total) / 100);
}

export function freezePlan(spec: FleetDaemonSetSpec, revision: number, registered: readonly FleetCluster[]): RolloutPlan {
  const placed = selectClusters(spec.placement, registered);
  const specs: Record<string, EffectiveSpec> = {};
  for (const cluster of placed) specs[cluster.clusterId] = effectiveSpec(spec, cluster);
  if (!spec.rollout) {
    const all = placed.map((c) => c.clusterId);
    return { revision, specs, stages: [planned({ name: 'all' }, all, Math.max(1, all.length))] };
  }
  const unassigned = new Set(placed.map((c) => c.clusterId));
  const stages: PlannedStage[] = [];
  for (const stage of spec.rollout.stages) {
    const matches = selectionMatcher(stage);
    const clusters = placed.filter((c) => unassigned.has(c.clusterId) && matches(c)).map((c) => c.clusterId);
    for (const id of clusters) unassigned.delete(id);
    stages.push(planned(stage, clusters, 1));
  }
  if (unassigned.size > 0) stages.push(planned({ name: REMAINING_STAGE }, [...unassigned], 1));
  return { revision, specs, stages };
}

function planned(stage: Omit<FleetStage, 'clusterSelector' | 'clusters'>, clusters: string[], defaultConcurrency: number): PlannedStage {
  return {
    name: stage.name,
    clusters,
    maxConcurrency: Math.max(1, scaledDown(stage.maxConcurrency, clusters.length, defaultConcurrency)),
    minSuccessSeconds: stage.minSuccessSeconds ?? 0,
    ...(stage.progressDeadlineSeconds !== undefined ? { progressDeadlineSeconds: stage.progressDeadlineSeconds } : {}),
    maxFailedClusters: scaledDown(stage.maxFailedClusters, clusters.length, 0),
    approval: stage.approval ?? false,
  };
}

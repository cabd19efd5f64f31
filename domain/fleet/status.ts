// The fleet's status: sums of the clusters' DaemonSet counters with the per-cluster detail beside
// them, and conditions. Sums, because each counter is a count of nodes (desired, updated,
// available) and a node belongs to one cluster, so the sum is the fleet's count and nothing is
// counted twice; "updated" counts only clusters running the fleet's current revision, so pods
// updated to an older revision never look current. Why the run waits comes from the same pure
// decision the loop takes (decideFleet), so the status cannot disagree with the loop.
import { decideFleet } from './decide';
import { selectClusters } from './placement';
import { rolledOut, type ClusterObservation, type FleetWait } from './progressive';
import type { FleetState } from './state';
import type { FleetCluster } from './types';

export interface FleetCondition {
  type: 'Progressing' | 'Available' | 'Paused' | 'Failed';
  status: 'True' | 'False';
  reason: string;
  message: string;
}

export interface ClusterStatus {
  clusterId: string;
  stage?: string;
  revision?: number;
  desired: number;
  updated: number;
  available: number;
  state: 'Pending' | 'Progressing' | 'Succeeded' | 'Failed';
  overrides: string[];
  reason?: string;
}

export interface FleetStatus {
  name: string;
  revision: number;
  clusters: number;
  desired: number;
  updated: number;
  available: number;
  stage?: string;
  conditions: FleetCondition[];
  perCluster: ClusterStatus[];
  waits: FleetWait[];
}

export function fleetStatus(state: FleetState, clusters: FleetCluster[], observed: Record<string, ClusterObservation>, now: Date): FleetStatus | undefined {
  const fleet = state.fleet;
  if (!fleet) return undefined;
  const decision = decideFleet({ state, clusters, observed, now })!;
  const run = state.run?.revision === state.revision ? state.run : undefined;
  const placed = selectClusters(fleet.spec.placement, clusters);
  const perCluster: ClusterStatus[] = placed.map(({ clusterId }) => {
    const o = observed[clusterId];
    const c = run?.clusters[clusterId];
    const stage = c?.stage ?? run?.plan.stages.find((s) => s.clusters.includes(clusterId))?.name;
    const current = o?.revision === state.revision;
    return {
      clusterId,
      ...(stage ? { stage } : {}),
      ...(o?.revision !== undefined ? { revision: o.revision } : {}),
      desired: o?.desired ?? 0,
      updated: current ? (o?.updated ?? 0) : 0,
      available: o?.available ?? 0,
      state: c?.failedAt ? 'Failed' : rolledOut(o, state.revision) ? 'Succeeded' : c ? 'Progressing' : 'Pending',
      overrides: run?.plan.specs[clusterId]?.overrides ?? [],
      ...(c?.reason ? { reason: c.reason } : {}),
    };
  });
  const sum = (k: 'desired' | 'updated' | 'available') => perCluster.reduce((n, c) => n + c[k], 0);
  const failed = perCluster.filter((c) => c.state === 'Failed');
  const done = run?.outcome === 'Succeeded';
  const conditions: FleetCondition[] = [
    run?.outcome === 'Failed'
      ? { type: 'Progressing', status: 'False', reason: 'RunFailed', message: run.reason ?? '' }
      : done
        ? { type: 'Progressing', status: 'False', reason: 'RunSucceeded', message: `revision ${state.revision} rolled out to ${perCluster.length} cluster(s)` }
        : {
            type: 'Progressing',
            status: 'True',
            reason: decision.activeStage ? `Stage ${decision.activeStage}` : 'Starting',
            message: decision.waits[0]?.reason ?? '',
          },
    perCluster.every((c) => c.available >= c.desired && c.desired > 0)
      ? { type: 'Available', status: 'True', reason: 'AllClustersAvailable', message: `${sum('available')}/${sum('desired')} nodes available` }
      : {
          type: 'Available',
          status: 'False',
          reason: 'ClustersUnavailable',
          message: perCluster
            .filter((c) => c.available < c.desired || c.desired === 0)
            .map((c) => `${c.clusterId} ${c.available}/${c.desired}`)
            .join(', '),
        },
    {
      type: 'Paused',
      status: state.paused ? 'True' : 'False',
      reason: state.paused ? 'Paused' : 'Running',
      message: state.paused ? 'no new cluster starts until `fleet rollout resume`' : '',
    },
    failed.length > 0
      ? { type: 'Failed', status: 'True', reason: 'ClustersFailed', message: failed.map((c) => `${c.clusterId}: ${c.reason ?? 'failed'}`).join('; ') }
      : { type: 'Failed', status: 'False', reason: 'NoFailures', message: '' },
  ];
  return {
    name: fleet.metadata.name,
    revision: state.revision,
    clusters: perCluster.length,
    desired: sum('desired'),
    updated: sum('updated'),
    available: sum('available'),
    ...(decision.activeStage ? { stage: decision.activeStage } : {}),
    conditions,
    perCluster,
    waits: decision.waits,
  };
}

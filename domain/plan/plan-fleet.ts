// The what-if planner for a fleet: the new FleetDaemonSet revision rolled out over its placement's
// clusters, simulated `runs` times (simulateFleet), summarised fleet-wide and per cluster the way
// planRollout summarises one cluster: duration p50/p90, the unavailable-nodes curve, surge
// pod-hours and their cost, the control loop's AWS bill, the order and timing of the stages, and
// the nodes where the new revision would not fit.
import type { V1DaemonSet, V1DaemonSetSpec } from '@kubernetes/client-node';
import type { ClusterObservation } from '../fleet/progressive';
import type { FleetState } from '../fleet/state';
import type { FleetCluster } from '../fleet/types';
import { controlLoopCost, type LoopCost } from './control-loop-cost';
import { quantile, seededRandom } from './distribution';
import type { NodeFit } from './fit';
import { defaultRuns, nextDaemonSet, prepareRollout, timingSummary, type PlanInput, type PreparedRollout, type TimingSummary } from './plan';
import { simulateFleet, type FleetSimulationResult, type StageTiming } from './simulate-fleet';
import type { UnavailablePoint, WaveTiming } from './simulate-rollout';

/** One cluster as the planner sees it: its PlanInput without the new spec, which the fleet's plan gives. */
export type FleetMemberInput = Omit<PlanInput, 'next' | 'now' | 'seed' | 'runs'>;

export interface FleetPlanInput {
  /** The fleet with the new revision applied. */
  state: FleetState;
  clusters: FleetCluster[];
  observed: Record<string, ClusterObservation>;
  members: Record<string, FleetMemberInput>;
  /** The DaemonSet the fleet writes to a cluster: its name, namespace, annotations, and `spec`. */
  daemonSetFor(clusterId: string, spec: V1DaemonSetSpec): V1DaemonSet;
  now: Date;
  runs?: number;
  seed: number;
  loopLatencyMs: number;
  horizonMs: number;
}

export interface ClusterPlan {
  clusterId: string;
  stage: string;
  eligibleNodes: number;
  startMs: number;
  endMs?: number;
  durationMs?: number;
  peakUnavailable: number;
  unavailableNodeMinutes: number;
  surgePodHours: number;
  surgeUsd: number;
  api: { creates: number; deletes: number; statusWrites: number; total: number; peakPerSecond: number };
  waves: WaveTiming[];
  unfit: NodeFit[];
  timing: TimingSummary[];
}

export interface FleetRolloutPlan {
  revision: number;
  runs: number;
  completedRuns: number;
  durationP50Ms: number;
  durationP90Ms: number;
  eligibleNodes: number;
  /** The median run's fleet-wide curve. */
  unavailable: UnavailablePoint[];
  peakUnavailable: number;
  unavailableNodeMinutes: number;
  budgetLimit: number | null;
  peakHeld: number;
  surgePodHours: number;
  surgeUsd: number;
  controlLoop: LoopCost;
  stages: StageTiming[];
  clusters: ClusterPlan[];
}

export function planFleetRollout(input: FleetPlanInput): FleetRolloutPlan {
  const prepared = new Map<string, PreparedRollout>();
  const prepare = (clusterId: string, spec: V1DaemonSetSpec): PreparedRollout => {
    const known = prepared.get(clusterId);
    if (known) return known; // one frozen plan: the same spec in every run
    const member = input.members[clusterId];
    if (!member) throw new Error(`fleet plan: no plan inputs for cluster ${clusterId}`);
    const p = prepareRollout({ ...member, next: nextDaemonSet(member.current, input.daemonSetFor(clusterId, spec)) });
    prepared.set(clusterId, p);
    return p;
  };
  const eligibleNodes = Object.values(input.observed).reduce((n, o) => n + o.desired, 0);
  const runs = input.runs ?? defaultRuns(eligibleNodes);
  const results: FleetSimulationResult[] = [];
  for (let run = 0; run < runs; run++) {
    const random = seededRandom(input.seed + run);
    results.push(
      simulateFleet({
        state: input.state,
        clusters: input.clusters,
        observed: input.observed,
        start: input.now.getTime(),
        loopLatencyMs: input.loopLatencyMs,
        horizonMs: input.horizonMs,
        simulationFor: (clusterId, spec, start) => prepare(clusterId, spec).simulation(start, random),
      }),
    );
  }
  const byDuration = [...results].sort((a, b) => a.durationMs - b.durationMs);
  const median = byDuration[Math.floor((byDuration.length - 1) / 2)]!;
  const durations = byDuration.map((r) => r.durationMs);
  const work = { decisions: 0, observations: 0, timers: 0 };
  const clusters: ClusterPlan[] = median.clusters.map((c) => {
    const r = c.result;
    for (const k of ['decisions', 'observations', 'timers'] as const) work[k] += r.work[k];
    const p = prepared.get(c.clusterId)!;
    return {
      clusterId: c.clusterId,
      stage: c.stage,
      eligibleNodes: p.eligible.length,
      startMs: c.startMs,
      ...(c.endMs !== undefined ? { endMs: c.endMs, durationMs: c.endMs - c.startMs } : {}),
      peakUnavailable: r.peakUnavailable,
      unavailableNodeMinutes: r.unavailableNodeSeconds / 60,
      surgePodHours: r.surgePodSeconds / 3600,
      surgeUsd: r.surgeUsd,
      api: { ...r.api, total: r.api.creates + r.api.deletes + r.api.statusWrites },
      waves: r.waves,
      unfit: p.unfit,
      timing: timingSummary(p.eligible, p.timing),
    };
  });
  return {
    revision: input.state.revision,
    runs: results.length,
    completedRuns: results.filter((r) => r.completed).length,
    durationP50Ms: quantile(durations, 0.5),
    durationP90Ms: quantile(durations, 0.9),
    eligibleNodes,
    unavailable: median.unavailable,
    peakUnavailable: Math.max(...results.map((r) => r.peakUnavailable)),
    unavailableNodeMinutes: clusters.reduce((n, c) => n + c.unavailableNodeMinutes, 0),
    budgetLimit: median.budgetLimit,
    peakHeld: Math.max(...results.map((r) => r.peakHeld)),
    surgePodHours: clusters.reduce((n, c) => n + c.surgePodHours, 0),
    surgeUsd: clusters.reduce((n, c) => n + c.surgeUsd, 0),
    controlLoop: controlLoopCost(work),
    stages: median.stages,
    clusters,
  };
}

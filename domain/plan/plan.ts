// The what-if planner: the rollout of a new spec on the cluster as the log knows it, simulated
// `runs` times with seeded draws from the learned start-up and termination times, summarised as
// a user decides on it — duration p50/p90, the unavailable-nodes curve, API load against the QPS
// limit, surge pod-hours and their cost, the control loop's AWS bill, and the nodes where the new
// revision would not fit.
import type { V1DaemonSet, V1Node, V1Pod } from '@kubernetes/client-node';
import { podHourly, podRequests, ratesFor, type PriceTable } from '../cost';
import { withDefaults } from '../defaults';
import { daemonNodeEligibility } from '../eligibility';
import { allowsSurge } from '../rolling-update';
import type { Revision } from '../types';
import { controlLoopCost, type LoopCost } from './control-loop-cost';
import { quantile, seededRandom, type Distribution } from './distribution';
import { fitCheck, type NodeFit, type RequestedByNode } from './fit';
import { simulateRollout, type SimulationInput, type SimulationResult, type UnavailablePoint, type WaveTiming } from './simulate-rollout';
import { nodeGroupOf, SEED_TIMING_DEFAULTS, timingModel, type LifecycleSamples, type TimingModel } from './timing-model';

export interface PlanInput {
  /** The DaemonSet as the log knows it; undefined when it does not exist yet. */
  current?: V1DaemonSet;
  /** The DaemonSet with the new spec. */
  next: V1DaemonSet;
  nodes: V1Node[];
  pods: V1Pod[];
  revisions: Revision[];
  now: Date;
  samples: LifecycleSamples;
  requested: RequestedByNode;
  prices: PriceTable;
  qps: number;
  burst: number;
  loopLatencyMs: number;
  /** Seeded runs; by default fewer as the cluster grows (see defaultRuns). */
  runs?: number;
  seed: number;
  horizonMs: number;
}

export interface TimingSummary {
  group: string;
  nodes: number;
  startup: DistributionSummary;
  termination: DistributionSummary;
}
interface DistributionSummary {
  source: string;
  p50Ms: number;
  p90Ms: number;
}

export interface RolloutPlan {
  eligibleNodes: number;
  runs: number;
  completedRuns: number;
  durationP50Ms: number;
  durationP90Ms: number;
  /** The run whose duration is the median's: its curve is the one shown. */
  unavailable: UnavailablePoint[];
  peakUnavailable: number;
  unavailableNodeMinutes: number;
  api: { creates: number; deletes: number; statusWrites: number; total: number; peakPerSecond: number; qps: number };
  surgePodHours: number;
  surgeUsd: number;
  controlLoop: LoopCost;
  unfit: NodeFit[];
  fitUnknown: number;
  timing: TimingSummary[];
  /** The median run's waves, in the order they ran, with when each started and finished. */
  waves: WaveTiming[];
}

/** The spec's `next` as it would be applied over `current`: same object, next generation, template changed. */
export function nextDaemonSet(current: V1DaemonSet | undefined, spec: V1DaemonSet): V1DaemonSet {
  if (!current) {
    const { status: _ignored, ...fresh } = spec;
    return { ...fresh, metadata: { uid: 'planned', generation: 1, ...spec.metadata } };
  }
  return { ...current, spec: spec.spec, metadata: { ...current.metadata, generation: (current.metadata?.generation ?? 0) + 1 } };
}

/** What every seeded run of one cluster's rollout shares: the new spec, the timing model, the fit check. */
export interface PreparedRollout {
  eligible: V1Node[];
  fits: NodeFit[];
  unfit: NodeFit[];
  timing: TimingModel;
  /** The simulation's input for one run, starting at `start` with draws from `random`. */
  simulation(start: number, random: () => number): SimulationInput;
}

export function prepareRollout(input: Omit<PlanInput, 'now' | 'seed' | 'runs'>): PreparedRollout {
  const next = withDefaults(input.next);
  const graceSeconds = input.current?.spec?.template?.spec?.terminationGracePeriodSeconds ?? next.spec?.template?.spec?.terminationGracePeriodSeconds;
  const timing = timingModel(input.samples, input.current?.metadata?.uid, {
    startupMs: SEED_TIMING_DEFAULTS.startupMs,
    terminationMs: graceSeconds !== undefined ? graceSeconds * 1000 : SEED_TIMING_DEFAULTS.terminationMs,
  });
  const shouldRun = daemonNodeEligibility(next);
  const eligible = input.nodes.filter((n) => shouldRun(n).shouldRun);
  const withPod = new Set(input.pods.map((p) => p.spec?.nodeName).filter((n): n is string => !!n));
  const fits = fitCheck(next, input.current, eligible, input.requested, (node) => withPod.has(node), allowsSurge(next));
  const unfit = fits.filter((f) => f.fits === false);
  const unfitNames = new Set(unfit.map((f) => f.nodeName));
  const requests = podRequests(next);
  const nodeByName = new Map(input.nodes.map((n) => [n.metadata!.name!, n]));
  return {
    eligible,
    fits,
    unfit,
    timing,
    simulation: (start, random) => ({
      daemonSet: next,
      nodes: input.nodes,
      pods: input.pods,
      revisions: input.revisions,
      start,
      timing,
      unfit: unfitNames,
      qps: input.qps,
      burst: input.burst,
      loopLatencyMs: input.loopLatencyMs,
      random,
      horizonMs: input.horizonMs,
      podHourlyOn: (node) => podHourly(requests, ratesFor(nodeByName.get(node)!, input.prices)),
    }),
  };
}

export function planRollout(input: PlanInput): RolloutPlan {
  const prepared = prepareRollout(input);
  const { eligible, fits, unfit, timing } = prepared;
  const results: SimulationResult[] = [];
  const runs = input.runs ?? defaultRuns(eligible.length);
  for (let run = 0; run < runs; run++) results.push(simulateRollout(prepared.simulation(input.now.getTime(), seededRandom(input.seed + run))));
  const byDuration = [...results].sort((a, b) => a.durationMs - b.durationMs);
  const median = byDuration[Math.floor((byDuration.length - 1) / 2)]!;
  const durations = byDuration.map((r) => r.durationMs);
  return {
    eligibleNodes: eligible.length,
    runs: results.length,
    completedRuns: results.filter((r) => r.completed).length,
    durationP50Ms: quantile(durations, 0.5),
    durationP90Ms: quantile(durations, 0.9),
    unavailable: median.unavailable,
    peakUnavailable: Math.max(...results.map((r) => r.peakUnavailable)),
    unavailableNodeMinutes: median.unavailableNodeSeconds / 60,
    api: { ...median.api, total: median.api.creates + median.api.deletes + median.api.statusWrites, qps: input.qps },
    surgePodHours: median.surgePodSeconds / 3600,
    surgeUsd: median.surgeUsd,
    controlLoop: controlLoopCost(median.work),
    unfit,
    fitUnknown: fits.filter((f) => f.fits === undefined).length,
    waves: median.waves,
    timing: timingSummary(eligible, timing),
  };
}

/** The learned start-up and termination times of each node group among `eligible`. */
export function timingSummary(eligible: readonly V1Node[], timing: TimingModel): TimingSummary[] {
  const groups = new Map<string, number>();
  for (const node of eligible) groups.set(nodeGroupOf(node), (groups.get(nodeGroupOf(node)) ?? 0) + 1);
  return [...groups]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([group, nodes]) => ({ group, nodes, startup: summary(timing.startup(group)), termination: summary(timing.termination(group)) }));
}

/**
 * Twenty runs on a small cluster, down to three from about 4,000 nodes: a big rollout draws
 * thousands of start-up times, so one run's duration already sits close to the median, while each
 * run costs a decision per wave step at the cluster's size.
 */
export const defaultRuns = (eligibleNodes: number): number => Math.min(20, Math.max(3, Math.round(10_000 / Math.max(1, eligibleNodes))));

const summary = (d: Distribution): DistributionSummary => ({ source: d.source, p50Ms: quantile(d.samples, 0.5), p90Ms: quantile(d.samples, 0.9) });

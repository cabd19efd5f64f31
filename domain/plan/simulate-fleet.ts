// One simulated fleet rollout: every placed cluster's rollout (ClusterSimulation: the real
// reconcile on its model cluster) on one virtual clock, started by the fleet's own decision
// (decideFleet: stages in order, maxConcurrency, soak, approval gates), and each cluster decision
// taking nodes from the fleet-wide node budget the way the per-cluster reconcile does on AWS
// (planGrant → reconcile with the allowance → takenNodes → grantEvents). The fleet decides again
// when a cluster's status changed or its recheck is due. Pure: time and randomness are inputs.
import type { V1DaemonSetSpec, V1DaemonSetStatus } from '@kubernetes/client-node';
import { emptyLedger, evolveBudget, sameBudgetSize, type BudgetLedger } from '../fleet/budget';
import { decideFleet } from '../fleet/decide';
import type { FleetEvent } from '../fleet/events';
import { grantEvents, planGrant, takenNodes, type GrantPlan } from '../fleet/grant';
import type { ClusterObservation } from '../fleet/progressive';
import { foldFleet, type FleetState } from '../fleet/state';
import type { FleetCluster } from '../fleet/types';
import { ClusterSimulation, type SimulationInput, type SimulationResult, type UnavailablePoint } from './simulate-rollout';

export interface FleetSimulationInput {
  /** The fleet with the new revision applied (its run not started yet). */
  state: FleetState;
  clusters: readonly FleetCluster[];
  /** Each cluster's DaemonSet before the rollout. */
  observed: Readonly<Record<string, ClusterObservation>>;
  start: number;
  /** From a status change to the decision it triggers (a cluster's write reaching its controller, likewise). */
  loopLatencyMs: number;
  horizonMs: number;
  /** The cluster's simulation once the fleet writes `spec` to it at `start`. */
  simulationFor(clusterId: string, spec: V1DaemonSetSpec, start: number): SimulationInput;
}

export interface ClusterRolloutTiming {
  clusterId: string;
  stage: string;
  startMs: number; // since the fleet rollout's start: when the fleet wrote the new spec
  endMs?: number; // when the fleet saw it rolled out
  result: SimulationResult;
}

export interface StageTiming {
  name: string;
  clusters: number;
  nodes: number;
  startMs?: number; // its first cluster written
  endMs?: number; // its last cluster rolled out
  soakUntilMs?: number;
}

export interface FleetSimulationResult {
  completed: boolean;
  outcome?: 'Succeeded' | 'Failed';
  durationMs: number;
  clusters: ClusterRolloutTiming[];
  stages: StageTiming[];
  /** Unavailable nodes across the fleet: the clusters' curves summed on the fleet's clock. */
  unavailable: UnavailablePoint[];
  peakUnavailable: number;
  /** The fleet budget's largest hold at once: never above its limit. */
  peakHeld: number;
  budgetLimit: number | null;
}

interface Running {
  sim: ClusterSimulation;
  startedAt: number;
  commit: number; // the cluster's decisions so far: the view a grant is returned against
  status?: V1DaemonSetStatus;
}

export function simulateFleet(input: FleetSimulationInput): FleetSimulationResult {
  const { start } = input;
  let state = input.state;
  const revision = state.revision;
  const observed: Record<string, ClusterObservation> = { ...input.observed };
  let ledger: BudgetLedger = emptyLedger();
  let peakHeld = 0;
  const running = new Map<string, Running>();
  let fleetAt: number | undefined = start;
  let now = start;
  const apply = (events: FleetEvent[]) => {
    state = foldFleet(events, state);
  };

  const hookFor = (clusterId: string, r: Running) => {
    let grant: GrantPlan | undefined;
    return {
      allowance: (decision: Parameters<typeof planGrant>[2]) => {
        grant = planGrant(ledger, clusterId, decision, r.commit, decision.now);
        return grant.allowance;
      },
      decided: (decision: Parameters<typeof planGrant>[2], result: Parameters<typeof takenNodes>[1]) => {
        r.commit += 1;
        for (const e of grantEvents(clusterId, grant!, takenNodes(decision, result), r.commit, decision.now)) ledger = evolveBudget(ledger, e);
        peakHeld = Math.max(
          peakHeld,
          Object.values(ledger.held).reduce((n, held) => n + Object.keys(held).length, 0),
        );
      },
    };
  };

  for (;;) {
    let at = fleetAt;
    let who: string | undefined;
    for (const [id, r] of running) {
      const next = r.sim.nextDecisionAt();
      if (next !== undefined && (at === undefined || next < at)) [at, who] = [next, id];
    }
    if (at === undefined || at - start > input.horizonMs) break;
    now = at;
    if (who === undefined) {
      const decision = decideFleet({ state, clusters: [...input.clusters], observed, now: new Date(now) });
      if (!decision) break;
      apply(decision.events);
      if (!sameBudgetSize(ledger, decision.budget))
        ledger = evolveBudget(ledger, { type: 'FleetBudgetSized', time: new Date(now).toISOString(), ...decision.budget });
      for (const w of decision.write) {
        apply([{ type: 'FleetClusterWritten', time: new Date(now).toISOString(), revision: w.revision, clusterId: w.clusterId, outcome: 'succeeded' }]);
        const begins = now + input.loopLatencyMs;
        running.set(w.clusterId, { sim: new ClusterSimulation(input.simulationFor(w.clusterId, w.spec, begins)), startedAt: now, commit: 0 });
        const before = observed[w.clusterId];
        observed[w.clusterId] = {
          revision: w.revision,
          generation: 1,
          observedGeneration: 0,
          desired: before?.desired ?? 0,
          updated: 0,
          available: before?.available ?? 0,
        };
      }
      if (state.run?.outcome) break;
      fleetAt = decision.requeueAfterSeconds !== undefined ? now + decision.requeueAfterSeconds * 1000 : undefined;
      continue;
    }
    const r = running.get(who)!;
    const status = r.sim.decide(now, hookFor(who, r));
    if (!r.status || counters(r.status) !== counters(status) || r.sim.isCompleted()) fleetAt = Math.min(fleetAt ?? Infinity, now + input.loopLatencyMs);
    r.status = status;
    observed[who] = {
      revision,
      generation: 1,
      observedGeneration: 1,
      desired: status.desiredNumberScheduled ?? 0,
      updated: status.updatedNumberScheduled ?? 0,
      available: status.numberAvailable ?? 0,
    };
  }

  const run = state.run;
  const clusters: ClusterRolloutTiming[] = [...running].map(([clusterId, r]) => {
    const c = run?.clusters[clusterId];
    return {
      clusterId,
      stage: c?.stage ?? '',
      startMs: r.startedAt - start,
      ...(c?.succeededAt ? { endMs: Date.parse(c.succeededAt) - start } : {}),
      result: r.sim.finish(),
    };
  });
  const stages: StageTiming[] = (run?.plan.stages ?? []).map((stage) => {
    const mine = clusters.filter((c) => stage.clusters.includes(c.clusterId));
    const done = mine.length === stage.clusters.length && mine.every((c) => c.endMs !== undefined);
    const endMs = done && mine.length > 0 ? Math.max(...mine.map((c) => c.endMs!)) : undefined;
    return {
      name: stage.name,
      clusters: stage.clusters.length,
      nodes: stage.clusters.reduce((n, id) => n + (input.observed[id]?.desired ?? 0), 0),
      ...(mine.length > 0 ? { startMs: Math.min(...mine.map((c) => c.startMs)) } : {}),
      ...(endMs !== undefined ? { endMs, ...(stage.minSuccessSeconds > 0 ? { soakUntilMs: endMs + stage.minSuccessSeconds * 1000 } : {}) } : {}),
    };
  });
  const finishedAt = run?.finishedAt ? Date.parse(run.finishedAt) : now;
  const unavailable = sumCurves(clusters.map((c) => ({ offsetMs: c.startMs + input.loopLatencyMs, curve: c.result.unavailable })));
  return {
    completed: run?.outcome === 'Succeeded',
    ...(run?.outcome ? { outcome: run.outcome } : {}),
    durationMs: finishedAt - start,
    clusters,
    stages,
    unavailable,
    peakUnavailable: Math.max(0, ...unavailable.map((p) => p.count)),
    peakHeld,
    budgetLimit: ledger.limit ?? null,
  };
}

const counters = (s: V1DaemonSetStatus): string => `${s.desiredNumberScheduled}/${s.updatedNumberScheduled}/${s.numberAvailable}/${s.numberUnavailable}`;

/** Step curves (each a count holding until its next point) shifted onto one clock and added up. */
function sumCurves(curves: { offsetMs: number; curve: UnavailablePoint[] }[]): UnavailablePoint[] {
  const steps: { atMs: number; delta: number }[] = [];
  for (const { offsetMs, curve } of curves) {
    let last = 0;
    for (const p of curve) {
      steps.push({ atMs: offsetMs + p.atMs, delta: p.count - last });
      last = p.count;
    }
  }
  steps.sort((a, b) => a.atMs - b.atMs);
  const out: UnavailablePoint[] = [];
  let count = 0;
  for (const s of steps) {
    count += s.delta;
    if (out.at(-1)?.atMs === s.atMs) out.at(-1)!.count = count;
    else out.push({ atMs: s.atMs, count });
  }
  return out;
}

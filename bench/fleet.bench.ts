// The fleet rollout, 10 clusters × 500 nodes in three stages (1, 3, 6 clusters) with a 60 s soak
// each, 10% maxUnavailable per cluster and a fleet node budget of 100, on virtual time with real
// 30 s grace periods and pods Ready 5 s after binding. It drives the production steps —
// decideFleet for the fleet, and for each cluster planGrant → reconcile with the grant →
// takenNodes → grantEvents on a ledger — one-second ticks.
//   fleet.rollout.10x500.duration_ratio_to_minimum: the run's duration over the theoretical minimum
//     Σ stages ⌈nodes / min(budget, concurrency × maxUnavailable)⌉ × (grace + bind + ready) + Σ soaks
//     — a wave replaces a node's pod in grace (the old pod goes) + bind (the simulated scheduler
//     binds the new pod on its next pass, one tick after it was created) + ready; the controller
//     can shorten none of them, so the minimum counts all three
//   fleet.budget.max_unavailable_over_budget: the highest fleet-wide count of nodes without an
//     available daemon pod seen at any tick, over the budget (≤ 1 means never exceeded)

import { emptyLedger, evolveBudget, heldBy, sameBudgetSize, type BudgetEvent } from '../domain/fleet/budget';
import { decideFleet } from '../domain/fleet/decide';
import { disruptedNodes } from '../domain/fleet/disruption';
import type { FleetEvent } from '../domain/fleet/events';
import { grantEvents, planGrant, takenNodes } from '../domain/fleet/grant';
import { rolledOut, type ClusterObservation } from '../domain/fleet/progressive';
import { foldFleet } from '../domain/fleet/state';
import { FLEET_API_VERSION, FLEET_KIND, type FleetDaemonSet } from '../domain/fleet/types';
import { reconcile } from '../domain/index';
import { aDaemonSet, nodes as nodeList, RU, T0, withImage } from '../test/domain/builders';
import { Cluster } from '../test/domain/simulator';
import type { BenchSuite } from './emit';

const NODES = 500;
const MAX_UNAVAILABLE = 50;
const BUDGET = 100;
const SOAK = 60;
const GRACE_MS = 30_000;
const READY_MS = 5_000;
const TICK_MS = 1_000;
const BIND_MS = TICK_MS; // test/domain/simulator.ts binds a created pod on the next advance
const STAGES = [
  { name: 'canary', clusters: ['c00'], maxConcurrency: 1 },
  { name: 'early', clusters: ['c01', 'c02', 'c03'], maxConcurrency: 3 },
  { name: 'rest', clusters: ['c04', 'c05', 'c06', 'c07', 'c08', 'c09'], maxConcurrency: 6 },
];

function fleet(image: string): FleetDaemonSet {
  const template = aDaemonSet({ strategy: RU(MAX_UNAVAILABLE) }).spec!;
  template.template.spec!.containers[0]!.image = image;
  return {
    apiVersion: FLEET_API_VERSION,
    kind: FLEET_KIND,
    metadata: { name: 'agent' },
    spec: {
      template,
      placement: { clusterSelector: {} },
      rollout: { stages: STAGES.map((s) => ({ name: s.name, clusters: s.clusters, maxConcurrency: s.maxConcurrency, minSuccessSeconds: SOAK })) },
      disruptionBudget: { maxUnavailableNodes: BUDGET },
    },
  };
}

function theoreticalMinimumMs(): number {
  return STAGES.reduce((ms, s) => {
    const perWave = Math.min(BUDGET, s.maxConcurrency * MAX_UNAVAILABLE);
    return ms + Math.ceil((s.clusters.length * NODES) / perWave) * (GRACE_MS + BIND_MS + READY_MS) + SOAK * 1000;
  }, 0);
}

function rollout(): { durationMs: number; maxUnavailable: number } {
  let now = T0;
  const ids = STAGES.flatMap((s) => s.clusters).sort();
  const clusters = new Map(
    ids.map((id) => {
      const sim = new Cluster(aDaemonSet({ name: 'agent', uid: `uid-${id}`, strategy: RU(MAX_UNAVAILABLE), generation: 1 }), () => 0, now);
      sim.nodes = nodeList(1, NODES);
      return [id, { sim, revision: 1, view: 0 }];
    }),
  );
  const tick = (ms: number) => {
    now += ms;
    for (const c of clusters.values()) c.sim.advance(ms);
  };
  for (let i = 0; i < 3; i++) {
    // revision 1 everywhere, no fleet needed (nothing is replaced)
    for (const c of clusters.values()) c.sim.apply(c.sim.decide(), () => READY_MS);
    tick(READY_MS);
  }

  let state = foldFleet([{ type: 'FleetApplied', time: new Date(now).toISOString(), fleet: fleet('agent:1'), revision: 1 }]);
  state = foldFleet(
    [
      { type: 'FleetRunStarted', time: new Date(now).toISOString(), plan: { revision: 1, stages: [], specs: {} } },
      { type: 'FleetRunFinished', time: new Date(now).toISOString(), revision: 1, outcome: 'Succeeded', reason: '' },
    ],
    state,
  );
  state = foldFleet([{ type: 'FleetApplied', time: new Date(now).toISOString(), fleet: fleet('agent:2'), revision: 2 }], state);
  let ledger = [{ type: 'FleetBudgetSized', time: new Date(now).toISOString(), limit: BUDGET } as BudgetEvent].reduce(evolveBudget, emptyLedger());
  const started = now;
  let maxUnavailable = 0;
  const observe = (): Record<string, ClusterObservation> =>
    Object.fromEntries(
      [...clusters].map(([id, c]) => {
        const s = c.sim.ds.status;
        return [
          id,
          {
            revision: c.revision,
            generation: 1,
            observedGeneration: 1,
            desired: s?.desiredNumberScheduled ?? 0,
            updated: s?.updatedNumberScheduled ?? 0,
            available: s?.numberAvailable ?? 0,
          },
        ];
      }),
    );

  for (let step = 0; step < 20_000; step++) {
    // The fleet loop: decide, record, write the started clusters' DaemonSets.
    const decision = decideFleet({ state, clusters: ids.map((clusterId) => ({ clusterId, labels: {} })), observed: observe(), now: new Date(now) })!;
    const written: FleetEvent[] = decision.write.map((w) => ({
      type: 'FleetClusterWritten',
      time: new Date(now).toISOString(),
      clusterId: w.clusterId,
      revision: w.revision,
      outcome: 'succeeded',
    }));
    for (const w of decision.write) {
      const c = clusters.get(w.clusterId)!;
      c.sim.ds = withImage(c.sim.ds, w.spec.template.spec!.containers[0]!.image!);
      c.revision = w.revision;
    }
    state = foldFleet([...decision.events, ...written], state);
    if (!sameBudgetSize(ledger, decision.budget))
      ledger = evolveBudget(ledger, { type: 'FleetBudgetSized', time: new Date(now).toISOString(), ...decision.budget });
    if (state.run?.outcome) break;

    // Each cluster on the new revision that is not done (or still holds budget) reconciles once.
    for (const [id, c] of clusters) {
      if (c.revision !== 2 || (rolledOut(observe()[id], 2) && heldBy(ledger, id).length === 0)) continue;
      const input = {
        daemonSet: c.sim.ds,
        nodes: c.sim.nodes,
        pods: c.sim.podList(),
        now: new Date(now),
        revisions: c.sim.revisions,
        failedPodBackoff: c.sim.backoff,
      };
      const plan = planGrant(ledger, id, input, c.view, input.now);
      const decided = Number.isFinite(plan.allowance) ? { ...input, disruptionAllowance: plan.allowance } : input;
      const result = reconcile(decided);
      ledger = grantEvents(id, plan, takenNodes(decided, result), c.view + 1, input.now).reduce(evolveBudget, ledger);
      c.view++;
      c.sim.apply(result, () => READY_MS);
      for (const d of result.delete) c.sim.pods.get(d.podName)!.goneAt = now + GRACE_MS; // real grace periods
    }
    const unavailable = [...clusters.values()].reduce((n, c) => {
      const disrupted = disruptedNodes({ daemonSet: c.sim.ds, nodes: c.sim.nodes, pods: c.sim.podList(), now: new Date(now) });
      return n + c.sim.nodes.filter((node) => disrupted(node.metadata!.name!)).length;
    }, 0);
    maxUnavailable = Math.max(maxUnavailable, unavailable);
    tick(TICK_MS);
  }
  if (state.run?.outcome !== 'Succeeded') throw new Error(`the fleet run did not succeed: ${state.run?.outcome ?? 'still running'}`);
  return { durationMs: now - started, maxUnavailable };
}

const suite: BenchSuite = {
  name: 'fleet',
  async run(emit) {
    const { durationMs, maxUnavailable } = rollout();
    emit('fleet.rollout.10x500.duration_s', durationMs / 1000, 's');
    emit('fleet.rollout.10x500.minimum_s', theoreticalMinimumMs() / 1000, 's');
    emit('fleet.rollout.10x500.duration_ratio_to_minimum', durationMs / theoreticalMinimumMs(), 'ratio');
    emit('fleet.budget.max_unavailable_over_budget', maxUnavailable / BUDGET, 'ratio');
  },
};
export default suite;

// Seeded property test: random fleets (2–20 clusters, random node counts, per-cluster budgets and
// readiness delays) roll out a new image everywhere at once, while per-cluster reconciles run in
// random interleavings — several at a time for one cluster, each step of one separated from the
// next by other clusters' steps and by time passing. Every step checks that the fleet-wide count
// of nodes without an available daemon pod never exceeds the fleet budget, and that every such
// node is held in the ledger; once the scheduling turns fair, every cluster must converge and give
// every node back. Each reconcile uses the production steps: planGrant → reconcile with the grant
// → takenNodes → grantEvents appended at the ledger's expected commit → the DaemonSet decision at
// its expected version.
import type { V1DaemonSet } from '@kubernetes/client-node';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyLedger, evolveBudget, heldBy, heldTotal, type BudgetEvent, type BudgetLedger } from '../../domain/fleet/budget';
import { disruptedNodes } from '../../domain/fleet/disruption';
import { grantEvents, planGrant, takenNodes, type GrantPlan } from '../../domain/fleet/grant';
import { reconcile, type ReconcileInput, type ReconcileResult } from '../../domain/index';
import { aDaemonSet, nodes, RU, T0, withImage } from '../domain/builders';
import { Cluster, prng } from '../domain/simulator';

interface Scenario {
  seed: number;
  nodeCounts: number[];
  maxUnavailable: number[];
  limit: number;
  window?: { nodes: number; windowSeconds: number };
  perCluster?: number;
  minReadySeconds: number;
  concurrency: number; // reconciles in flight per cluster at most
}

const scenario: fc.Arbitrary<Scenario> = fc
  .record({
    seed: fc.integer(),
    clusters: fc.integer({ min: 2, max: 20 }),
    limit: fc.integer({ min: 1, max: 12 }),
    useWindow: fc.boolean(),
    share: fc.integer({ min: 0, max: 6 }), // 0: no fair-share cap
    windowNodes: fc.integer({ min: 2, max: 20 }),
    minReadySeconds: fc.integer({ min: 0, max: 5 }),
    concurrency: fc.integer({ min: 1, max: 3 }),
  })
  .chain((r) =>
    fc
      .record({
        nodeCounts: fc.array(fc.integer({ min: 1, max: 20 }), { minLength: r.clusters, maxLength: r.clusters }),
        maxUnavailable: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: r.clusters, maxLength: r.clusters }),
      })
      .map((c) => ({
        seed: r.seed,
        nodeCounts: c.nodeCounts,
        maxUnavailable: c.maxUnavailable,
        limit: r.limit,
        ...(r.useWindow ? { window: { nodes: Math.max(r.windowNodes, r.limit), windowSeconds: 30 } } : {}),
        ...(r.share > 0 ? { perCluster: r.share } : {}),
        minReadySeconds: r.minReadySeconds,
        concurrency: r.concurrency,
      })),
  );

/** The ledger stream: events, and the conditional append every writer goes through. */
class LedgerStream {
  events: BudgetEvent[] = [];
  ledger: BudgetLedger = emptyLedger();
  get commit(): number {
    return this.commits;
  }
  private commits = 0;
  append(expected: number, events: BudgetEvent[]): boolean {
    if (expected !== this.commits) return false; // StreamVersionConflict
    this.commits++;
    this.events.push(...events);
    this.ledger = events.reduce(evolveBudget, this.ledger);
    return true;
  }
}

interface FleetCluster {
  id: string;
  sim: Cluster;
  version: number; // the DaemonSet stream's commit: a decision appends at version + 1
}

/** A reconcile in flight, advanced one step at a time. */
interface Attempt {
  cluster: FleetCluster;
  step: 'rebuilt' | 'decided' | 'granted';
  view: number;
  input: ReconcileInput;
  ledgerCommit?: number;
  plan?: GrantPlan;
  result?: ReconcileResult;
}

function runScenario(s: Scenario): void {
  const random = prng(s.seed);
  let now = T0;
  const ledger = new LedgerStream();
  ledger.append(0, [
    {
      type: 'FleetBudgetSized',
      time: new Date(now).toISOString(),
      limit: s.limit,
      ...(s.window ? { window: s.window } : {}),
      ...(s.perCluster ? { perCluster: s.perCluster } : {}),
    },
  ]);
  const clusters: FleetCluster[] = s.nodeCounts.map((count, i) => {
    const ds: V1DaemonSet = aDaemonSet({
      name: 'fluentd',
      uid: `uid-${i}`,
      strategy: RU(s.maxUnavailable[i]!),
      minReadySeconds: s.minReadySeconds,
      generation: 1,
    });
    const sim = new Cluster(ds, random, now);
    sim.nodes = nodes(1, count);
    return { id: `c${i}`, sim, version: 0 };
  });
  const readyDelay = () => 1000 + Math.floor(random() * 5000);
  const advance = (ms: number) => {
    now += ms;
    for (const c of clusters) c.sim.advance(ms);
  };

  // Converge on v1 without the fleet (no grant needed: nothing is replaced).
  for (let round = 0; round < 40; round++) {
    for (const c of clusters) c.sim.apply(c.sim.decide(), readyDelay);
    advance(2000);
  }
  for (const c of clusters) c.sim.ds = withImage(c.sim.ds, 'foo/bar:v2');

  const snapshot = (c: FleetCluster): ReconcileInput => ({
    daemonSet: c.sim.ds,
    nodes: c.sim.nodes,
    pods: c.sim.podList(),
    now: new Date(now),
    revisions: c.sim.revisions,
    failedPodBackoff: c.sim.backoff,
  });
  const disruptedTotal = () =>
    clusters.reduce((n, c) => {
      const disrupted = disruptedNodes(snapshot(c));
      const held = new Set(heldBy(ledger.ledger, c.id));
      let count = 0;
      for (const node of c.sim.nodes) {
        const name = node.metadata!.name!;
        if (!disrupted(name)) continue;
        count++;
        expect(held.has(name), `${c.id}/${name} is unavailable but not held in the ledger`).toBe(true);
      }
      return n + count;
    }, 0);

  const inFlight: Attempt[] = [];
  /** One step of an attempt; false when it lost a race (a real reconcile would start over). */
  const advanceAttempt = (a: Attempt): boolean => {
    if (a.step === 'rebuilt') {
      a.ledgerCommit = ledger.commit; // 2. read the ledger, settle holds, decide with the grant
      a.plan = planGrant(ledger.ledger, a.cluster.id, a.input, a.view, a.input.now);
      a.result = reconcile({ ...a.input, ...(Number.isFinite(a.plan.allowance) ? { disruptionAllowance: a.plan.allowance } : {}) });
      a.step = 'decided';
      return true;
    }
    if (a.step === 'decided') {
      const events = grantEvents(a.cluster.id, a.plan!, takenNodes(a.input, a.result!), a.view + 1, a.input.now); // 3. the ledger commit
      if (events.length > 0 && !ledger.append(a.ledgerCommit!, events)) return false;
      a.step = 'granted';
      return true;
    }
    if (a.cluster.version !== a.view) return false; // 4. the decision at its expected version lost
    a.cluster.version++;
    a.cluster.sim.apply(a.result!, readyDelay); // its intents are in every later view
    return false; // done
  };
  const start = (c: FleetCluster) => inFlight.push({ cluster: c, step: 'rebuilt', view: c.version, input: snapshot(c) }); // 1. rebuild

  let maxSeen = 0;
  const check = () => {
    const total = disruptedTotal();
    maxSeen = Math.max(maxSeen, total);
    expect(total, 'fleet-wide unavailable nodes over the budget').toBeLessThanOrEqual(s.limit);
    expect(heldTotal(ledger.ledger)).toBeLessThanOrEqual(s.limit);
  };

  // Adversarial phase: random steps of random attempts, random starts, random time.
  for (let step = 0; step < 400; step++) {
    const roll = random();
    if (roll < 0.35) {
      const c = clusters[Math.floor(random() * clusters.length)]!;
      if (inFlight.filter((a) => a.cluster === c).length < s.concurrency) start(c);
    } else if (roll < 0.85 && inFlight.length > 0) {
      const i = Math.floor(random() * inFlight.length);
      if (!advanceAttempt(inFlight[i]!)) inFlight.splice(i, 1);
    } else {
      advance(Math.floor(random() * 3000));
    }
    check();
  }
  // Fair phase: the attempts left finish (or lose), then each cluster reconciles in turn.
  while (inFlight.length > 0) {
    if (!advanceAttempt(inFlight[0]!)) inFlight.shift();
    check();
  }
  const converged = () =>
    clusters.every((c) => {
      const st = c.sim.ds.status;
      return st !== undefined && st.updatedNumberScheduled === c.sim.nodes.length && st.numberAvailable === c.sim.nodes.length;
    });
  for (let round = 0; round < 2000 && !(converged() && heldTotal(ledger.ledger) === 0); round++) {
    for (const c of clusters) {
      start(c);
      while (inFlight.length > 0) if (!advanceAttempt(inFlight[0]!)) inFlight.shift();
    }
    check(); // no time passed within the round: availability only fell, so its end shows the peak
    advance(1000 + Math.floor(random() * 3000));
  }
  expect(converged(), 'every cluster rolled out and available').toBe(true);
  expect(heldTotal(ledger.ledger), 'every node given back').toBe(0);
  expect(maxSeen).toBeGreaterThan(0); // the rollout did disrupt nodes: the check was live
}

describe('the fleet node budget under random fleets and interleavings', () => {
  it('never lets the fleet-wide unavailable count exceed the budget, and every cluster converges', () => {
    fc.assert(
      fc.property(scenario, (s) => runScenario(s)),
      { numRuns: 10, seed: 12 },
    );
  });
});

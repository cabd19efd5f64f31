// Seeded property tests: random clusters driven step by step through the simulator, with joins,
// departures, label and taint changes, crashes and template changes mid-rollout. Every decision is
// checked against upstream's invariants, and once the churn stops the DaemonSet must converge.
import type { V1DaemonSet, V1Node, V1Pod } from '@kubernetes/client-node';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CONTROLLER_REVISION_HASH_LABEL,
  currentRevision,
  isPodAvailable,
  nodeShouldRunDaemonPod,
  podTargetNodeName,
  rolloutStatus,
  selectorMatches,
  type ReconcileResult,
} from '../../domain/index';
import { aDaemonSet, aNode, L, T0 } from './builders';
import { Cluster, prng } from './simulator';

interface Scenario {
  seed: number;
  nodeCount: number;
  surge: boolean;
  budget: number | string;
  minReadySeconds: number;
  useSelector: boolean;
  churnSteps: number;
}

const scenario: fc.Arbitrary<Scenario> = fc
  .record({
    seed: fc.integer(),
    bigDraw: fc.integer({ min: 0, max: 5 }), // 0: a large cluster, about one run in six
    smallCount: fc.integer({ min: 10, max: 60 }),
    bigCount: fc.integer({ min: 100, max: 500 }),
    surge: fc.boolean(),
    intBudget: fc.integer({ min: 1, max: 5 }),
    percent: fc.integer({ min: 10, max: 50 }),
    usePercent: fc.boolean(),
    minReadySeconds: fc.integer({ min: 0, max: 8 }),
    useSelector: fc.boolean(),
    churnSteps: fc.integer({ min: 15, max: 50 }),
  })
  .map((r) => {
    const big = r.bigDraw === 0;
    return {
      seed: r.seed,
      nodeCount: big ? r.bigCount : r.smallCount,
      surge: r.surge,
      budget: big || r.usePercent ? `${r.percent}%` : r.intBudget,
      minReadySeconds: r.minReadySeconds,
      useSelector: r.useSelector,
      churnSteps: r.churnSteps,
    };
  });

const image = (v: number) => `foo/bar:${v}`;

function daemonSetFor(s: Scenario): V1DaemonSet {
  const strategy = s.surge
    ? { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: s.budget } }
    : { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: s.budget, maxSurge: 0 } };
  const ds = aDaemonSet({
    strategy,
    minReadySeconds: s.minReadySeconds,
    generation: 1,
    ...(s.useSelector ? { podSpec: { nodeSelector: { pool: 'a' } } } : {}),
  });
  ds.spec!.template.spec!.containers[0]!.image = image(1);
  return ds;
}

/** The test's own eligibility model for its clusters: no toleration for `dedicated`, an optional pool selector. */
function eligibilityModel(node: V1Node, s: Scenario): { shouldRun: boolean; shouldContinueRunning: boolean } {
  const effects = (node.spec?.taints ?? []).map((t) => t.effect);
  const selected = !s.useSelector || node.metadata?.labels?.pool === 'a';
  return { shouldRun: selected && effects.length === 0, shouldContinueRunning: selected && !effects.includes('NoExecute') };
}

const scaled = (v: number | string, total: number) => (typeof v === 'number' ? v : Math.ceil((parseInt(v, 10) * total) / 100));

/** The pods the DaemonSet owns after this decision's adoptions and releases. */
function claimedAfter(ds: V1DaemonSet, pods: V1Pod[], r: ReconcileResult): V1Pod[] {
  const adopted = new Set(r.adopt.map((a) => a.podName));
  return pods.filter((p) => {
    const ref = p.metadata?.ownerReferences?.find((o) => o.controller);
    const matches = selectorMatches(ds.spec!.selector, p.metadata?.labels);
    return matches && (ref ? ref.uid === ds.metadata!.uid : adopted.has(p.metadata!.name!));
  });
}

/** Checks one decision against the cluster it was made on. */
function checkDecision(cluster: Cluster, r: ReconcileResult, s: Scenario): void {
  const { ds, now } = cluster;
  const pods = cluster.podList();
  const byName = new Map(pods.map((p) => [p.metadata!.name!, p]));
  const nodes = new Map(cluster.nodes.map((n) => [n.metadata!.name!, n]));
  const hash = currentRevision(ds, cluster.revisions).hash;

  // Creates: on existing eligible nodes, one per node, under fresh names.
  const createdNodes = new Set<string>();
  for (const c of r.create) {
    const node = nodes.get(c.nodeName);
    expect(node, `create on missing node ${c.nodeName}`).toBeDefined();
    expect(eligibilityModel(node!, s).shouldRun, `create on ineligible node ${c.nodeName}`).toBe(true);
    expect(createdNodes.has(c.nodeName)).toBe(false);
    createdNodes.add(c.nodeName);
    expect(byName.has(c.pod.metadata!.name!)).toBe(false);
    expect(c.pod.metadata!.labels![CONTROLLER_REVISION_HASH_LABEL]).toBe(hash);
  }
  // Deletes: existing pods of ours, each once; foreign pods are never touched.
  const deletedNames = new Set(r.delete.map((d) => d.podName));
  expect(deletedNames.size).toBe(r.delete.length);
  const claimed = claimedAfter(ds, pods, r);
  const claimedNames = new Set(claimed.map((p) => p.metadata!.name!));
  for (const name of deletedNames) expect(claimedNames.has(name), `deleted ${name}, not ours`).toBe(true);

  // The state the decision leaves: surviving claimed pods plus the created ones.
  const eligible = cluster.nodes.filter((n) => eligibilityModel(n, s).shouldRun).map((n) => n.metadata!.name!);
  const desired = eligible.length;
  const after = new Map<string, V1Pod[]>();
  const live = [...claimed.filter((p) => !deletedNames.has(p.metadata!.name!) && !p.metadata!.deletionTimestamp), ...r.create.map((c) => c.pod)];
  for (const p of live) {
    const n = podTargetNodeName(p)!;
    after.set(n, [...(after.get(n) ?? []), p]);
  }
  const available = (p: V1Pod) => isPodAvailable(p, s.minReadySeconds, now);
  const isNew = (p: V1Pod) => p.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL] === hash;

  if (!s.surge) {
    // Taking down an available pod for the update is allowed only within maxUnavailable.
    if (r.delete.some((d) => d.reason === 'rolling update')) {
      const lacking = eligible.filter((n) => !(after.get(n) ?? []).some(available)).length;
      expect(lacking, 'more unavailable nodes than maxUnavailable').toBeLessThanOrEqual(Math.max(1, scaled(s.budget, desired)));
    }
  } else {
    // Surging beside an available old pod is allowed only within maxSurge.
    const surged = r.create.filter((c) => (after.get(c.nodeName) ?? []).some((p) => !isNew(p) && available(p))).length;
    if (surged > 0) {
      const surging = eligible.filter((n) => {
        const here = after.get(n) ?? [];
        return here.some((p) => !isNew(p) && available(p)) && here.some((p) => isNew(p) && !available(p));
      }).length;
      expect(surging, 'more surging nodes than maxSurge').toBeLessThanOrEqual(scaled(s.budget, desired));
    }
    // Surge never takes an available old pod from an eligible node without an available replacement.
    for (const d of r.delete) {
      const pod = byName.get(d.podName)!;
      if (d.reason === 'rolling update') throw new Error('surge deleted for the unavailability budget');
      if (eligible.includes(d.nodeName!) && available(pod) && !isNew(pod) && d.reason.startsWith('old pod replaced')) {
        expect((after.get(d.nodeName!) ?? []).some((p) => isNew(p) && available(p))).toBe(true);
      }
    }
  }
}

/** Converged: every eligible node runs exactly one updated, available pod; nothing runs where it must not. */
function converged(cluster: Cluster, r: ReconcileResult, s: Scenario): string | undefined {
  const { ds, now } = cluster;
  if (r.create.length > 0 || r.delete.length > 0) return 'still acting';
  const hash = currentRevision(ds, cluster.revisions).hash;
  const byNode = new Map<string, V1Pod[]>();
  for (const p of claimedAfter(ds, cluster.podList(), r)) {
    if (p.metadata!.deletionTimestamp) return 'a pod is still terminating';
    const n = podTargetNodeName(p)!;
    byNode.set(n, [...(byNode.get(n) ?? []), p]);
  }
  let eligible = 0;
  for (const node of cluster.nodes) {
    const name = node.metadata!.name!;
    const e = eligibilityModel(node, s);
    expect(nodeShouldRunDaemonPod(node, ds)).toEqual(e);
    const here = byNode.get(name) ?? [];
    byNode.delete(name);
    if (e.shouldRun) {
      eligible++;
      if (here.length !== 1) return `${name}: ${here.length} pods`;
      if (here[0]!.metadata!.labels![CONTROLLER_REVISION_HASH_LABEL] !== hash) return `${name}: old pod`;
      if (!isPodAvailable(here[0]!, s.minReadySeconds, now)) return `${name}: not available`;
    } else if (!e.shouldContinueRunning) {
      if (here.length > 0) return `${name}: pod on an ineligible node`;
    } else if (here.length > 1 || here.some((p) => p.metadata!.labels![CONTROLLER_REVISION_HASH_LABEL] !== hash)) {
      return `${name}: old or duplicate pod on a NoSchedule node`;
    }
  }
  if (byNode.size > 0) return 'pods on vanished nodes';
  const st = r.status;
  expect([st.desiredNumberScheduled, st.updatedNumberScheduled, st.numberAvailable, st.numberUnavailable]).toEqual([eligible, eligible, eligible, 0]);
  expect(rolloutStatus({ ...ds, status: st }).done).toBe(true);
  return undefined;
}

/** A cluster of `s.nodeCount` random nodes (pools, some taints) and three bystander pods. */
function clusterFor(s: Scenario, random: () => number): { cluster: Cluster; newNode: () => V1Node } {
  const cluster = new Cluster(daemonSetFor(s), random, T0);
  let nextNode = 0;
  const newNode = (): V1Node => {
    const taints = random() < 0.08 ? [{ key: 'dedicated', value: 'x', effect: random() < 0.6 ? 'NoSchedule' : 'NoExecute' }] : undefined;
    return aNode(`n-${nextNode++}`, { labels: { pool: random() < 0.8 ? 'a' : 'b' }, ...(taints ? { taints } : {}) });
  };
  cluster.nodes = Array.from({ length: s.nodeCount }, newNode);
  // Bystanders: a foreign pod, another controller's pod with our labels, and an orphan to adopt.
  const bystander = (name: string, node: string, labels: Record<string, string>, ownerUid?: string): V1Pod => ({
    metadata: {
      name,
      namespace: 'default',
      uid: `uid-${name}`,
      labels,
      creationTimestamp: new Date(T0),
      ...(ownerUid ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'x', uid: ownerUid, controller: true }] } : {}),
    },
    spec: { nodeName: node, containers: [{ name: 'c' }] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: new Date(T0) }] },
  });
  for (const p of [bystander('foreign', 'n-0', { app: 'other' }), bystander('theirs', 'n-1', { ...L }, 'other-uid'), bystander('orphan', 'n-2', { ...L })]) {
    cluster.pods.set(p.metadata!.name!, { pod: p, readyAfterMs: 0, boundAt: T0 });
  }
  return { cluster, newNode };
}

/** A new template (the next image), or now and then a rollback to the first. */
function changeTemplate(cluster: Cluster, random: () => number): void {
  const ds = structuredClone(cluster.ds);
  const current = Number(ds.spec!.template.spec!.containers[0]!.image!.split(':')[1]);
  ds.spec!.template.spec!.containers[0]!.image = image(random() < 0.3 ? 1 : current + 1);
  ds.metadata!.generation = (ds.metadata!.generation ?? 1) + 1;
  cluster.ds = ds;
}

/** Steps without churn until converged; fails the property if that takes too long. */
function settle(cluster: Cluster, s: Scenario, step: (r: ReconcileResult) => void): void {
  const desired = cluster.nodes.length;
  const waves = Math.ceil(desired / Math.max(1, scaled(s.budget, desired)));
  const limit = 80 + waves * (20 + 2 * s.minReadySeconds);
  let why: string | undefined = 'not started';
  for (let i = 0; i < limit && why; i++) {
    const r = cluster.decide();
    why = converged(cluster, r, s);
    step(r);
  }
  expect(why, `no convergence after ${limit} steps (seed ${s.seed}, ${s.nodeCount} nodes)`).toBeUndefined();
}

const readyDelay = (random: () => number) => () => 1000 + Math.floor(random() * 4) * 1000;
const pause = (r: ReconcileResult, random: () => number) =>
  r.requeueAfterSeconds ? Math.min(r.requeueAfterSeconds, 3) * 1000 : 1000 + Math.floor(random() * 2) * 1000;

function simulate(s: Scenario): void {
  const random = prng(s.seed);
  const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)]!;
  const { cluster, newNode } = clusterFor(s, random);
  const step = (r: ReconcileResult, churn: boolean) => {
    checkDecision(cluster, r, s);
    cluster.apply(r, readyDelay(random));
    if (churn) {
      if (random() < 0.06) changeTemplate(cluster, random);
      if (random() < 0.05) cluster.nodes.push(newNode());
      if (random() < 0.03 && cluster.nodes.length > 3) cluster.nodes.splice(Math.floor(random() * cluster.nodes.length), 1);
      if (random() < 0.05) {
        const node = pick(cluster.nodes);
        node.metadata!.labels = { pool: node.metadata!.labels?.pool === 'a' ? 'b' : 'a' };
      }
      if (random() < 0.05) {
        const node = pick(cluster.nodes);
        node.spec = node.spec?.taints?.length ? {} : { taints: [{ key: 'dedicated', value: 'x', effect: random() < 0.6 ? 'NoSchedule' : 'NoExecute' }] };
      }
      if (random() < 0.04) {
        const running = cluster
          .podList()
          .filter((p) => p.status?.phase === 'Running' && !p.metadata!.deletionTimestamp && p.metadata!.name !== 'foreign' && p.metadata!.name !== 'theirs');
        if (running.length > 0) cluster.fail(pick(running).metadata!.name!);
      }
    }
    cluster.advance(pause(r, random));
  };
  for (let i = 0; i < s.churnSteps; i++) step(cluster.decide(), true);
  settle(cluster, s, (r) => step(r, false));
}

/**
 * A rollout on a settled cluster, with further template changes (and rollbacks) mid-rollout but
 * nothing else going on: after every decision, at most maxUnavailable eligible nodes lack an
 * available pod — with surge, none does, and at most maxSurge nodes run two pods.
 */
function rollout(s: Scenario): void {
  const random = prng(s.seed);
  const { cluster } = clusterFor(s, random);
  const step = (r: ReconcileResult) => {
    cluster.apply(r, readyDelay(random));
    cluster.advance(pause(r, random));
  };
  settle(cluster, s, step);
  changeTemplate(cluster, random);
  let changes = 0;
  settle(cluster, s, (r) => {
    checkDecision(cluster, r, s);
    cluster.apply(r, readyDelay(random));
    const eligible = cluster.nodes.filter((n) => eligibilityModel(n, s).shouldRun).map((n) => n.metadata!.name!);
    const live = new Map<string, V1Pod[]>();
    for (const p of claimedAfter(cluster.ds, cluster.podList(), r)) {
      if (p.metadata!.deletionTimestamp) continue;
      const n = podTargetNodeName(p)!;
      live.set(n, [...(live.get(n) ?? []), p]);
    }
    const lacking = eligible.filter((n) => !(live.get(n) ?? []).some((p) => isPodAvailable(p, s.minReadySeconds, cluster.now))).length;
    const doubled = eligible.filter((n) => (live.get(n) ?? []).length > 1).length;
    if (s.surge) {
      expect(lacking, 'surge took a node down').toBe(0);
      expect(doubled, 'more surging nodes than maxSurge').toBeLessThanOrEqual(scaled(s.budget, eligible.length));
    } else {
      expect(lacking, 'more nodes down than maxUnavailable').toBeLessThanOrEqual(scaled(s.budget, eligible.length));
      expect(doubled).toBe(0);
    }
    if (changes < 2 && random() < 0.03) {
      changeTemplate(cluster, random);
      changes++;
    }
    cluster.advance(pause(r, random));
  });
}

describe('reconcile on random clusters', () => {
  it('keeps within the budgets, never creates on an ineligible node, and converges to one updated available pod per eligible node', () => {
    fc.assert(
      fc.property(scenario, (s) => simulate(s)),
      { seed: 20261123, numRuns: 60 },
    );
  });

  it('rolls out within maxUnavailable, or with surge within maxSurge and without taking a node down', () => {
    fc.assert(
      fc.property(scenario, (s) => rollout(s)),
      { seed: 20261124, numRuns: 40 },
    );
  });
});

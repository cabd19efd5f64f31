// Seeded property tests: random zoned clusters rolled from v1 to v2 under waves, a partition, a
// pause and a failure budget, step by step through the domain simulator. Checked on every
// decision: no pod outside the started waves changes revision; each wave's budget holds; a paused
// or stopped rollout never updates a pod; and once resumed (and healthy) the rollout converges.
import type { V1DaemonSet, V1Pod } from '@kubernetes/client-node';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CONTROLLER_REVISION_HASH_LABEL, isPodAvailable, podTargetNodeName, type ReconcileResult } from '../../../domain/index';
import { rolloutOf } from '../../../domain/rollout-control/rollout-status';
import { RESUME_ANNOTATION, type RolloutWave } from '../../../domain/rollout-control/spec';
import { planWaves } from '../../../domain/rollout-control/waves';
import { hashOf, T0 } from '../builders';
import { Cluster, prng } from '../simulator';
import { v1, v2, zonedNodes, ZONE, type Rollout } from './fixtures';

interface Scenario {
  seed: number;
  zones: number;
  perZone: number;
  maxUnavailable: number;
  minSuccessSeconds: number;
  partition: number;
  minReadySeconds: number;
}

const scenario: fc.Arbitrary<Scenario> = fc.record({
  seed: fc.integer(),
  zones: fc.integer({ min: 1, max: 4 }),
  perZone: fc.integer({ min: 1, max: 8 }),
  maxUnavailable: fc.integer({ min: 1, max: 3 }),
  minSuccessSeconds: fc.integer({ min: 0, max: 30 }),
  partition: fc.integer({ min: 0, max: 3 }),
  minReadySeconds: fc.integer({ min: 0, max: 5 }),
});

const ZONES = ['zone-a', 'zone-b', 'zone-c', 'zone-d'];
const hashOfPod = (p: V1Pod) => p.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL];

/** A cluster running v1 everywhere, Ready, with v1 recorded; then switched to `next` (its status kept). */
function rolledOut(s: Scenario, next: (r: Rollout) => V1DaemonSet, rollout: Rollout): { cluster: Cluster; random: () => number } {
  const random = prng(s.seed);
  const cluster = new Cluster({ ...v1, spec: { ...v1.spec!, minReadySeconds: s.minReadySeconds } }, random, T0);
  cluster.nodes = zonedNodes(ZONES.slice(0, s.zones), s.perZone);
  for (let i = 0; i < 200 && !settled(cluster, hashOf(cluster.ds)); i++) step(cluster, random);
  expect(settled(cluster, hashOf(cluster.ds))).toBe(true);
  cluster.ds = { ...next({ minReadySeconds: s.minReadySeconds, ...rollout }), status: cluster.ds.status };
  return { cluster, random };
}

function step(cluster: Cluster, random: () => number, check?: (r: ReconcileResult) => void): ReconcileResult {
  const r = cluster.decide();
  check?.(r);
  cluster.apply(r, () => 1000 + Math.floor(random() * 3) * 1000);
  const wake = r.requeueAfterSeconds !== undefined ? r.requeueAfterSeconds * 1000 : Infinity;
  cluster.advance(Math.min(wake, 1000 + Math.floor(random() * 4) * 1000));
  return r;
}

/** Every node runs exactly one pod of `hash`, available. */
function settled(cluster: Cluster, hash: string, except: ReadonlySet<string> = new Set()): boolean {
  const minReady = cluster.ds.spec!.minReadySeconds ?? 0;
  return cluster.nodes.every((n) => {
    const pods = cluster.podList().filter((p) => podTargetNodeName(p) === n.metadata!.name && !p.metadata?.deletionTimestamp);
    const want = except.has(n.metadata!.name!) ? hashOfPod(pods[0] ?? {}) !== undefined && hashOfPod(pods[0]!) !== hash : true;
    return pods.length === 1 && want && (except.has(n.metadata!.name!) || hashOfPod(pods[0]!) === hash) && isPodAvailable(pods[0]!, minReady, cluster.now);
  });
}

const wavesOf = (s: Scenario): RolloutWave[] => [{ name: 'zones', topologyKey: ZONE, minSuccessSeconds: s.minSuccessSeconds }];

describe('rollout control, property-based', () => {
  it('updates only the started waves, within each wave’s budget, keeps the partition, and converges', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const rollout: Rollout = { maxUnavailable: s.maxUnavailable, waves: wavesOf(s), partition: Math.min(s.partition, s.zones * s.perZone) };
        const { cluster, random } = rolledOut(s, v2, rollout);
        const h2 = hashOf(cluster.ds);
        const plan = planWaves({ paused: false, waves: wavesOf(s), partition: rollout.partition }, cluster.nodes);
        const waveOf = (node: string) => plan.waveOf(node)!;
        const heldNodes = new Set(cluster.nodes.map((n) => n.metadata!.name!).filter((n) => plan.isHeld(n)));
        for (let i = 0; i < 2000 && !settled(cluster, h2, heldNodes); i++) {
          const before = new Map(cluster.podList().map((p) => [p.metadata!.name!, p]));
          step(cluster, random, (r) => {
            const current = rolloutOf(r.status)!.currentWaveIndex;
            for (const d of r.delete) {
              const pod = before.get(d.podName)!;
              expect(waveOf(d.nodeName!), `deleted ${d.podName} outside the started waves`).toBeLessThanOrEqual(current);
              expect(plan.isHeld(d.nodeName!), `deleted ${d.podName} on a held node`).toBe(false);
              expect(hashOfPod(pod)).not.toBe(h2);
            }
            for (const c of r.create) {
              if (hashOfPod(c.pod) === h2) expect(waveOf(c.nodeName) <= current && !plan.isHeld(c.nodeName), `new pod on ${c.nodeName}`).toBe(true);
            }
          });
          // The wave's budget: at most maxUnavailable of its nodes without an available pod.
          for (const wave of plan.waves) {
            const down = wave.release.filter(
              (n) =>
                !cluster
                  .podList()
                  .some(
                    (p) => podTargetNodeName(p) === n.metadata!.name && !p.metadata?.deletionTimestamp && isPodAvailable(p, s.minReadySeconds, cluster.now),
                  ),
            ).length;
            expect(down, `wave ${wave.name}`).toBeLessThanOrEqual(s.maxUnavailable);
          }
        }
        expect(settled(cluster, h2, heldNodes)).toBe(true);
        step(cluster, random); // the decision that sees the last pod available
        expect(rolloutOf(cluster.ds.status)!.phase).toBe('Complete');
      }),
      { numRuns: 40, seed: 11 },
    );
  });

  it('never updates a pod while paused, and converges once resumed', () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: 0, max: 20 }), (s, pauseAfter) => {
        const { cluster, random } = rolledOut(s, v2, { maxUnavailable: s.maxUnavailable, waves: wavesOf(s) });
        const h2 = hashOf(cluster.ds);
        for (let i = 0; i < pauseAfter; i++) step(cluster, random);
        cluster.ds = {
          ...v2({ maxUnavailable: s.maxUnavailable, waves: wavesOf(s), paused: true, minReadySeconds: s.minReadySeconds }),
          status: cluster.ds.status,
        };
        for (let i = 0; i < 60; i++) {
          step(cluster, random, (r) => {
            expect(r.delete).toEqual([]); // no failures here: nothing for manage either
            expect(r.create.filter((c) => hashOfPod(c.pod) === h2 && cluster.podList().some((p) => podTargetNodeName(p) === c.nodeName))).toEqual([]);
          });
        }
        cluster.ds = {
          ...v2({ maxUnavailable: s.maxUnavailable, waves: wavesOf(s), paused: false, minReadySeconds: s.minReadySeconds }),
          status: cluster.ds.status,
        };
        for (let i = 0; i < 2000 && !settled(cluster, h2); i++) step(cluster, random);
        expect(settled(cluster, h2)).toBe(true);
      }),
      { numRuns: 30, seed: 12 },
    );
  });

  it('stops everything once the failure budget is breached, until resumed', () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: 0, max: 2 }), (s, maxFailedNodes) => {
        // One node at a time can fail at most once at a time: a budget of maxUnavailable or more may never be reached.
        fc.pre(s.zones * s.perZone > maxFailedNodes + 1 && s.maxUnavailable > maxFailedNodes);
        const rollout = { maxUnavailable: s.maxUnavailable, maxFailedNodes };
        const { cluster, random } = rolledOut(s, v2, rollout);
        const h2 = hashOf(cluster.ds);
        // Every new pod crashes as soon as it is Ready, until the fix.
        const crashNew = () => {
          for (const p of cluster.podList()) if (hashOfPod(p) === h2 && p.status?.phase === 'Running') cluster.fail(p.metadata!.name!);
        };
        let stoppedAt: number | undefined;
        for (let i = 0; i < 400 && stoppedAt === undefined; i++) {
          step(cluster, random);
          crashNew();
          if (rolloutOf(cluster.ds.status)?.phase === 'Stopped') stoppedAt = i;
        }
        expect(stoppedAt, 'the budget stops the rollout').toBeDefined();
        expect(rolloutOf(cluster.ds.status)!.failedNodes!.length).toBeGreaterThan(maxFailedNodes);
        for (let i = 0; i < 60; i++) {
          step(cluster, random, (r) => {
            expect(r.delete.filter((d) => d.reason !== 'failed pod')).toEqual([]);
            expect(r.create.filter((c) => hashOfPod(c.pod) === h2)).toEqual([]);
          });
          crashNew();
        }
        cluster.ds = { ...cluster.ds, metadata: { ...cluster.ds.metadata, annotations: { [RESUME_ANNOTATION]: '1' } } };
        for (let i = 0; i < 2000 && !settled(cluster, h2); i++) step(cluster, random);
        expect(settled(cluster, h2)).toBe(true);
      }),
      { numRuns: 30, seed: 13 },
    );
  });
});

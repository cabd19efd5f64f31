// The simulated rollout against hand-computed timelines: the real reconcile, a model cluster with
// fixed start-up and termination times, and the measurements a plan reports.
import type { V1DaemonSet, V1Node, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { reconcile } from '../../../domain/index';
import { constant } from '../../../domain/plan/distribution';
import { fitCheck } from '../../../domain/plan/fit';
import { nextDaemonSet, planRollout } from '../../../domain/plan/plan';
import { simulateRollout, type SimulationInput } from '../../../domain/plan/simulate-rollout';

const T0 = Date.UTC(2026, 0, 1);
const nodes = (n: number, allocatable?: { cpu: string; memory: string }): V1Node[] =>
  Array.from({ length: n }, (_, i) => ({
    metadata: { name: `node-${i + 1}`, uid: `n${i + 1}`, labels: {} },
    ...(allocatable ? { status: { allocatable } } : {}),
  }));

function agent(image: string, strategy: { maxUnavailable?: number | string; maxSurge?: number | string }, cpu = '100m'): V1DaemonSet {
  return {
    apiVersion: 'daemonloop.dev/v1alpha1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'kube-system', uid: 'ds-uid', generation: 1 },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      minReadySeconds: 10,
      template: {
        metadata: { labels: { app: 'agent' } },
        spec: { terminationGracePeriodSeconds: 30, containers: [{ name: 'agent', image, resources: { requests: { cpu, memory: '100Mi' } } }] },
      },
      updateStrategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxUnavailable: strategy.maxUnavailable ?? 0, ...(strategy.maxSurge !== undefined ? { maxSurge: strategy.maxSurge } : {}) },
      },
    },
  };
}

/** The first revision running and available everywhere, as reconcile created it. */
function running(ds: V1DaemonSet, cluster: V1Node[]): V1Pod[] {
  return reconcile({ daemonSet: ds, nodes: cluster, pods: [], now: new Date(T0) }).create.map((c, i) => ({
    ...c.pod,
    metadata: { ...c.pod.metadata, uid: `old-${i}` },
    spec: { ...c.pod.spec!, nodeName: c.nodeName },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: new Date(T0) }] },
  }));
}

function simulate(cluster: V1Node[], strategy: { maxUnavailable?: number; maxSurge?: number }, extra: Partial<SimulationInput> = {}) {
  const current = agent('agent:1', strategy);
  return simulateRollout({
    daemonSet: nextDaemonSet(current, agent('agent:2', strategy)),
    nodes: cluster,
    pods: running(current, cluster),
    revisions: [],
    start: T0 + 3_600_000,
    timing: { startup: () => constant(5_000, 'test'), termination: () => constant(30_000, 'test') },
    unfit: new Set(),
    qps: 1_000,
    burst: 1_000,
    loopLatencyMs: 0,
    random: () => 0.5,
    horizonMs: 86_400_000,
    podHourlyOn: () => 0.036, // $ per pod-hour
    ...extra,
  });
}

describe('simulateRollout', () => {
  it('maxUnavailable 2 on 10 nodes: five waves of terminate 30 s + start 5 s + minReadySeconds 10 s, never more than 2 nodes down', () => {
    const r = simulate(nodes(10), { maxUnavailable: 2 });
    expect(r.completed).toBe(true);
    expect(r.durationMs).toBe(5 * 45_000);
    expect(r.peakUnavailable).toBe(2);
    expect(Math.max(...r.unavailable.map((p) => p.count))).toBe(2);
    expect(r.unavailableNodeSeconds).toBe(10 * 45); // each node down from its delete to its new pod's availability
    expect(r.surgePodSeconds).toBe(0);
    expect(r.api.creates).toBe(10);
    expect(r.api.deletes).toBe(10);
  });

  it('maxSurge 1: no node ever down; each node holds two pods from its new pod’s creation until the old one has gone', () => {
    const r = simulate(nodes(4), { maxUnavailable: 0, maxSurge: 1 });
    expect(r.completed).toBe(true);
    expect(r.peakUnavailable).toBe(0);
    expect(r.unavailableNodeSeconds).toBe(0);
    // Per node: 5 s start + 10 s minReadySeconds beside the old pod, then its 30 s termination.
    expect(r.surgePodSeconds).toBe(4 * 45);
    expect(r.surgeUsd).toBeCloseTo(((4 * 45) / 3600) * 0.036, 9);
  });

  it('waits out a node whose new pod cannot fit: the rollout never completes and that node stays down', () => {
    const r = simulate(nodes(5), { maxUnavailable: 2 }, { unfit: new Set(['node-3']) });
    expect(r.completed).toBe(false);
    expect(r.unavailable.at(-1)!.count).toBe(1);
    expect(r.peakUnavailable).toBeLessThanOrEqual(2);
  });

  it('queues API calls behind the token bucket: a wave of 100 deletes at QPS 20 / burst 30 takes (100 − 30) / 20 s to send', () => {
    const r = simulate(nodes(100), { maxUnavailable: 100 }, { qps: 20, burst: 30 });
    expect(r.completed).toBe(true);
    expect(r.api.peakPerSecond).toBeLessThanOrEqual(30 + 20);
    // Sent over 3.5 s, each pod then 30 + 5 + 10 s; the creates queue behind the same bucket.
    expect(r.durationMs).toBeGreaterThan(45_000 + 3_000);
  });
});

describe('fitCheck', () => {
  const cluster = nodes(3, { cpu: '2', memory: '4Gi' });
  const used = new Map([
    ['node-1', { cpuMillicores: 1_800, memoryBytes: 2 ** 30 }], // 200m free, old agent (100m) among it
    ['node-2', { cpuMillicores: 1_950, memoryBytes: 2 ** 30 }], // 50m free
  ]);
  const next = agent('agent:2', { maxUnavailable: 1 }, '250m');
  const current = agent('agent:1', { maxUnavailable: 1 });

  it('counts what the old pod frees when it goes first (maxSurge 0), and nothing when it stays beside the new one', () => {
    const noSurge = fitCheck(next, current, cluster, used, () => true, false);
    expect(noSurge.map((f) => [f.nodeName, f.fits])).toEqual([
      ['node-1', true],
      ['node-2', false],
      ['node-3', undefined],
    ]);
    expect(noSurge[1]!.reason).toBe('Insufficient cpu');
    const surge = fitCheck(next, current, cluster, used, () => true, true);
    expect(surge.map((f) => f.fits)).toEqual([false, false, undefined]);
  });

  it('planRollout names exactly the unfit nodes and still predicts the rest', () => {
    const plan = planRollout({
      current,
      next: nextDaemonSet(current, next),
      nodes: cluster,
      pods: running(current, cluster),
      revisions: [],
      now: new Date(T0 + 3_600_000),
      samples: { startup: [], termination: [] },
      requested: used,
      prices: { default: { cpuCoreHour: 0.03, memoryGiBHour: 0.004 } },
      qps: 20,
      burst: 30,
      loopLatencyMs: 0,
      runs: 3,
      seed: 1,
      horizonMs: 86_400_000,
    });
    expect(plan.unfit.map((f) => f.nodeName)).toEqual(['node-2']);
    expect(plan.fitUnknown).toBe(1);
    expect(plan.completedRuns).toBe(0); // node-2's pod stays Pending
  });
});

describe('the order and timing of waves', () => {
  it('canary wave of 2 with a 60 s soak, then the rest 2 at a time: each wave’s start and end as the statuses recorded them', () => {
    const cluster = nodes(10);
    const current = agent('agent:1', { maxUnavailable: 2 });
    const waved = agent('agent:2', { maxUnavailable: 2 });
    (waved.spec!.updateStrategy!.rollingUpdate as Record<string, unknown>).waves = [{ name: 'canary', nodes: 2, minSuccessSeconds: 60 }]; // the others form the last wave, "rest"
    const r = simulate(cluster, {}, { daemonSet: nextDaemonSet(current, waved), pods: running(current, cluster) });
    expect(r.completed).toBe(true);
    // canary: 30 s terminate + 5 s start + 10 s minReadySeconds; soak 60 s; the rest: four rounds of 45 s.
    expect(r.waves).toEqual([
      { name: 'canary', nodes: 2, startMs: 0, endMs: 45_000, soakUntilMs: 105_000 },
      { name: 'rest', nodes: 8, startMs: 105_000, endMs: 105_000 + 4 * 45_000 },
    ]);
    expect(r.durationMs).toBe(105_000 + 4 * 45_000);
  });

  it('without rollout control, the rollout is one wave of every node', () => {
    const r = simulate(nodes(4), { maxUnavailable: 2 });
    expect(r.waves).toEqual([{ name: 'all nodes', nodes: 4, startMs: 0, endMs: 2 * 45_000 }]);
  });
});

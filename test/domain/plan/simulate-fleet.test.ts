// A fleet's rollout simulated: three clusters of four nodes, a canary stage with a 60 s soak and a
// second stage of two clusters at once, with and without a fleet-wide node budget. The per-cluster
// rollouts take the hand-computed 45 s per round (30 s termination, 5 s start-up, 10 s minReadySeconds).
import type { V1DaemonSet, V1DaemonSetSpec, V1Node, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { OPENCOST_DEFAULT_PRICES } from '../../../domain/cost';
import { reconcile } from '../../../domain/index';
import { foldFleet } from '../../../domain/fleet/state';
import { FLEET_API_VERSION, FLEET_KIND, type FleetDaemonSet, type FleetDisruptionBudget } from '../../../domain/fleet/types';
import { planFleetRollout, type FleetMemberInput } from '../../../domain/plan/plan-fleet';

const T0 = Date.UTC(2026, 0, 1);
const CLUSTERS = ['a-canary', 'b-prod', 'c-prod'];
const nodes: V1Node[] = Array.from({ length: 4 }, (_, i) => ({ metadata: { name: `node-${i + 1}`, uid: `n${i + 1}`, labels: {} } }));

const template = (image: string): V1DaemonSetSpec => ({
  selector: { matchLabels: { app: 'agent' } },
  minReadySeconds: 10,
  template: { metadata: { labels: { app: 'agent' } }, spec: { terminationGracePeriodSeconds: 30, containers: [{ name: 'agent', image }] } },
  updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2 } },
});
const daemonSet = (spec: V1DaemonSetSpec): V1DaemonSet => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'agent', namespace: 'kube-system', uid: 'ds-uid', generation: 1 },
  spec,
});

function fleet(budget?: FleetDisruptionBudget): FleetDaemonSet {
  return {
    apiVersion: FLEET_API_VERSION,
    kind: FLEET_KIND,
    metadata: { name: 'agent', namespace: 'kube-system' },
    spec: {
      template: template('agent:2'),
      placement: { clusters: CLUSTERS },
      rollout: {
        stages: [
          { name: 'canary', clusters: ['a-canary'], minSuccessSeconds: 60 },
          { name: 'prod', clusterSelector: {}, maxConcurrency: 2 },
        ],
      },
      ...(budget ? { disruptionBudget: budget } : {}),
    },
  };
}

function member(): FleetMemberInput {
  const current = daemonSet(template('agent:1'));
  const pods: V1Pod[] = reconcile({ daemonSet: current, nodes, pods: [], now: new Date(T0) }).create.map((c, i) => ({
    ...c.pod,
    metadata: { ...c.pod.metadata, uid: `old-${i}` },
    spec: { ...c.pod.spec!, nodeName: c.nodeName },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: new Date(T0) }] },
  }));
  const three = (ms: number) => [1, 2, 3].map(() => ({ owner: 'ds-uid', group: 'default', ms }));
  return {
    current,
    nodes,
    pods,
    revisions: [],
    samples: { startup: three(5_000), termination: three(30_000) },
    requested: new Map(),
    prices: OPENCOST_DEFAULT_PRICES,
    qps: 1_000,
    burst: 1_000,
    loopLatencyMs: 0,
    horizonMs: 86_400_000,
  };
}

const plan = (budget?: FleetDisruptionBudget) =>
  planFleetRollout({
    state: foldFleet([{ type: 'FleetApplied', time: new Date(T0).toISOString(), fleet: fleet(budget), revision: 1 }]),
    clusters: CLUSTERS.map((clusterId) => ({ clusterId, labels: {} })),
    observed: Object.fromEntries(CLUSTERS.map((id) => [id, { desired: 4, updated: 4, available: 4 }])),
    members: Object.fromEntries(CLUSTERS.map((id) => [id, member()])),
    daemonSetFor: (_id, spec) => daemonSet(spec),
    now: new Date(T0 + 3_600_000),
    runs: 3,
    seed: 1,
    loopLatencyMs: 0,
    horizonMs: 86_400_000,
  });

describe('planFleetRollout', () => {
  it('runs the stages in order: the canary (2 rounds of 45 s), its 60 s soak, then both prod clusters at once', () => {
    const p = plan();
    expect(p.completedRuns).toBe(3);
    expect(p.stages).toEqual([
      { name: 'canary', clusters: 1, nodes: 4, startMs: 0, endMs: 90_000, soakUntilMs: 150_000 },
      { name: 'prod', clusters: 2, nodes: 8, startMs: 150_000, endMs: 240_000 },
    ]);
    expect(p.durationP50Ms).toBe(240_000);
    expect(p.clusters.map((c) => [c.clusterId, c.stage, c.startMs, c.endMs, c.peakUnavailable])).toEqual([
      ['a-canary', 'canary', 0, 90_000, 2],
      ['b-prod', 'prod', 150_000, 240_000, 2],
      ['c-prod', 'prod', 150_000, 240_000, 2],
    ]);
    expect(p.clusters[0]!.waves).toEqual([{ name: 'all nodes', nodes: 4, startMs: 0, endMs: 90_000 }]);
    expect(p.peakUnavailable).toBe(4); // two prod clusters, two nodes each
  });

  it('keeps the fleet within its node budget (3 nodes at once): the prod stage takes longer, never more than 3 held or down', () => {
    const p = plan({ maxUnavailableNodes: 3 });
    expect(p.completedRuns).toBe(3);
    expect(p.budgetLimit).toBe(3);
    expect(p.peakHeld).toBe(3);
    expect(p.peakUnavailable).toBe(3);
    expect(Math.max(...p.unavailable.map((u) => u.count))).toBeLessThanOrEqual(3);
    expect(p.stages[1]!.startMs).toBe(150_000);
    expect(p.stages[1]!.endMs).toBeGreaterThan(240_000); // 8 nodes, 3 at a time: at least three rounds
    expect(p.durationP50Ms).toBe(p.stages[1]!.endMs);
  });
});

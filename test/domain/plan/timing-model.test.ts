// Start-up and termination times from what the log recorded, per node group, widening the scope
// when a group has too few pods.
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../../../domain/events';
import { lifecycleSamples, nodeGroupOf, SEED_TIMING_DEFAULTS, timingModel } from '../../../domain/plan/timing-model';

const T0 = Date.UTC(2026, 0, 1);
const iso = (ms: number) => new Date(T0 + ms).toISOString();
const base = { clusterId: 'c', schemaVersion: 1 };
const node = (name: string, instanceType?: string): V1Node => ({
  metadata: { name, uid: name, resourceVersion: '1', labels: instanceType ? { 'node.kubernetes.io/instance-type': instanceType } : {} },
});

function pod(uid: string, nodeName: string, owner: string, createdMs: number, readyMs?: number): V1Pod {
  return {
    metadata: {
      name: uid,
      namespace: 'ns',
      uid,
      resourceVersion: String(createdMs + 1),
      creationTimestamp: new Date(T0 + createdMs),
      ownerReferences: [{ apiVersion: 'daemonloop.dev/v1alpha1', kind: 'DaemonSet', name: owner, uid: owner, controller: true }],
    },
    spec: { nodeName, containers: [] },
    status:
      readyMs === undefined
        ? { phase: 'Pending' }
        : { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: new Date(T0 + readyMs) }] },
  };
}
const observed = (p: V1Pod, atMs: number): LogEvent => ({ ...base, type: 'PodObserved', time: iso(atMs), pod: p });

describe('nodeGroupOf', () => {
  it('names a node by its instance type, else its node pool, node group or zone, else "default"', () => {
    expect(nodeGroupOf(node('a', 'm5.large'))).toBe('m5.large');
    expect(nodeGroupOf({ metadata: { name: 'b', labels: { 'karpenter.sh/nodepool': 'general', 'topology.kubernetes.io/zone': 'eu-west-1a' } } })).toBe(
      'general',
    );
    expect(nodeGroupOf({ metadata: { name: 'c', labels: { 'topology.kubernetes.io/zone': 'eu-west-1a' } } })).toBe('eu-west-1a');
    expect(nodeGroupOf(node('d'))).toBe('default');
    expect(nodeGroupOf(undefined)).toBe('default');
  });
});

describe('lifecycleSamples', () => {
  const nodes = new Map([
    ['n1', node('n1', 'm5.large')],
    ['n2', node('n2', 'c5.xlarge')],
  ]);

  it('measures start-up from creation to the Ready transition (cluster times), once per pod', () => {
    const events: LogEvent[] = [
      observed(pod('p1', 'n1', 'ds', 0), 100),
      observed(pod('p1', 'n1', 'ds', 0, 4_000), 4_300), // seen 300 ms late: the lag is not start-up
      observed(pod('p1', 'n1', 'ds', 0, 4_000), 9_000), // a later update of a Ready pod: not a second sample
      observed(pod('p2', 'n2', 'ds', 1_000, 13_000), 13_050),
    ];
    expect(lifecycleSamples(events, nodes).startup).toEqual([
      { owner: 'ds', group: 'm5.large', ms: 4_000 },
      { owner: 'ds', group: 'c5.xlarge', ms: 12_000 },
    ]);
  });

  it('measures termination from the delete request to the observed deletion', () => {
    const events: LogEvent[] = [
      observed(pod('p1', 'n1', 'ds', 0, 4_000), 4_300),
      {
        ...base,
        type: 'PodDeleteRequested',
        time: iso(10_000),
        decisionId: 'd@1',
        namespace: 'ns',
        podName: 'p1',
        podUid: 'p1',
        nodeName: 'n1',
        reason: 'update',
      },
      { ...base, type: 'PodDeleted', time: iso(40_500), ref: { namespace: 'ns', name: 'p1', uid: 'p1', resourceVersion: '99' } },
      // A deletion nobody asked for (node gone, kubectl) is no sample of how long our deletes take.
      { ...base, type: 'PodDeleted', time: iso(50_000), ref: { namespace: 'ns', name: 'p9', uid: 'p9', resourceVersion: '100' } },
    ];
    expect(lifecycleSamples(events, nodes).termination).toEqual([{ owner: 'ds', group: 'm5.large', ms: 30_500 }]);
  });
});

describe('timingModel', () => {
  const s = (owner: string, group: string, ms: number) => ({ owner, group, ms });

  it('prefers this DaemonSet on this node group, then this DaemonSet, then any DaemonSet on the group, then any, then the defaults', () => {
    const samples = {
      startup: [
        s('mine', 'm5.large', 4_000),
        s('mine', 'm5.large', 4_000),
        s('mine', 'm5.large', 4_000),
        s('mine', 'c5.xlarge', 9_000), // one pod on c5.xlarge: too few alone
        s('other', 'r5.large', 20_000),
        s('other', 'r5.large', 20_000),
        s('other', 'r5.large', 20_000),
      ],
      termination: [],
    };
    const mine = timingModel(samples, 'mine', SEED_TIMING_DEFAULTS);
    expect(mine.startup('m5.large').samples).toEqual([4_000, 4_000, 4_000]);
    expect(mine.startup('m5.large').source).toBe('this DaemonSet on m5.large (3 pods)');
    expect(mine.startup('c5.xlarge').source).toBe('this DaemonSet (4 pods)');
    const fresh = timingModel(samples, 'new', SEED_TIMING_DEFAULTS);
    expect(fresh.startup('r5.large').source).toBe('any DaemonSet on r5.large (3 pods)');
    expect(fresh.startup('m5.large').source).toBe('any DaemonSet on m5.large (3 pods)');
    expect(fresh.startup('t3.small').source).toBe('any DaemonSet (7 pods)');
    const empty = timingModel({ startup: [], termination: [] }, 'new', { startupMs: 5_000, terminationMs: 30_000 });
    expect(empty.startup('any')).toMatchObject({ samples: [5_000], source: 'default' });
    expect(empty.termination('any')).toMatchObject({ samples: [30_000], source: 'default' });
  });
});

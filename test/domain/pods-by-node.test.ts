// getNodesToDaemonPods and the oldest-first order (scenarios B41, B42, F4 via grouping).
import { describe, expect, it } from 'vitest';
import { claimPods } from '../../domain/claim';
import { compileLabelSelector } from '../../domain/label-selector';
import { oldestFirst, podsByNode } from '../../domain/pods-by-node';
import { aDaemonSet, aPod, at, L2, NOW } from './builders';

const ds = aDaemonSet();
const names = (m: Map<string, { metadata?: { name?: string } }[]>) =>
  Object.fromEntries([...m].map(([node, pods]) => [node, pods.map((p) => p.metadata!.name).sort()]));

describe('podsByNode', () => {
  const pods = [
    aPod('owned-0', 'node-0', ds),
    aPod('owned-1', 'node-1', ds),
    aPod('orphan-0', 'node-0', ds, { owner: null }),
    aPod('orphan-1', 'node-1', ds, { owner: null }),
    aPod('succeeded-0', 'node-0', ds, { phase: 'Succeeded' }),
    aPod('failed-1', 'node-1', ds, { phase: 'Failed' }),
    aPod('l2-0', 'node-0', ds, { labels: L2 }),
    aPod('orphan-l2-1', 'node-1', ds, { labels: L2, owner: null }),
    aPod('foo2-0', 'node-0', ds, { owner: 'U2' }),
    aPod('deleted-failed-1', 'node-1', ds, { phase: 'Failed', deleting: NOW }),
  ];
  const claimed = claimPods(ds, pods, compileLabelSelector(ds.spec!.selector)).claimed;

  it('B41 groups claimed pods by node, leaving out terminal pods being deleted', () => {
    expect(names(podsByNode(claimed))).toEqual({
      'node-0': ['orphan-0', 'owned-0', 'succeeded-0'],
      'node-1': ['failed-1', 'orphan-1', 'owned-1'],
    });
  });

  it('B42 includes terminal pods being deleted when asked (history cleanup)', () => {
    expect(names(podsByNode(claimed, true))['node-1']).toEqual(['deleted-failed-1', 'failed-1', 'orphan-1', 'owned-1']);
  });

  it('F4 skips a pod whose target node is ambiguous or unknown', () => {
    const two = aPod('two', 'node-1', ds, { bound: false });
    two.spec!.affinity!.nodeAffinity!.requiredDuringSchedulingIgnoredDuringExecution!.nodeSelectorTerms[0]!.matchFields![0]!.values = ['node-1', 'node-2'];
    const none = { ...aPod('none', 'x', ds), spec: { containers: [] } };
    expect(podsByNode([two, none]).size).toBe(0);
  });
});

describe('oldestFirst', () => {
  it('orders bound before unbound, then by creation time, then by name', () => {
    const pods = [
      aPod('unbound-early', 'n', ds, { bound: false, created: at(1) }),
      aPod('b', 'n', ds, { created: at(5) }),
      aPod('a', 'n', ds, { created: at(5) }),
      aPod('early', 'n', ds, { created: at(2) }),
      aPod('no-time', 'n', ds),
    ];
    expect(oldestFirst(pods).map((p) => p.metadata!.name)).toEqual(['no-time', 'early', 'a', 'b', 'unbound-early']);
  });
});

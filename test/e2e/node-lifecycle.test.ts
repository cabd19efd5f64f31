// Nodes come and go, change labels and taints: the DaemonSet's pods follow, one per eligible node.
import { afterEach, describe, expect, it } from 'vitest';
import { agentDaemonSet, isReady, podsByNode, startHarness, type Harness } from './harness';

let h: Harness;
afterEach(async () => h?.close());

describe('node lifecycle, end to end', () => {
  it('runs a pod on every node, and on a node that joins', async () => {
    h = await startHarness({ nodes: 3 });
    h.sim.createDaemonSet(agentDaemonSet());
    await h.until(() => podsByNode(h.sim).size === 3 && [...podsByNode(h.sim).values()].every(isReady), 'a ready pod on each of 3 nodes');
    h.sim.addNode('node-4');
    await h.until(() => podsByNode(h.sim).has('node-4'), 'a pod on the new node');
    expect([...podsByNode(h.sim).keys()].sort()).toEqual(['node-1', 'node-2', 'node-3', 'node-4']);
  });

  it('adds and removes pods as node labels start and stop matching the nodeSelector', async () => {
    h = await startHarness({ nodes: 3 });
    h.sim.labelNode('node-1', { ssd: 'true' });
    await h.cp.applyDaemonSet(agentDaemonSet({ nodeSelector: { ssd: 'true' } }));
    await h.until(() => podsByNode(h.sim).size === 1 && podsByNode(h.sim).has('node-1'), 'a pod on the one ssd node');
    h.sim.labelNode('node-2', { ssd: 'true' });
    await h.until(() => podsByNode(h.sim).has('node-2'), 'a pod on the newly labelled node');
    h.sim.labelNode('node-1', { ssd: null });
    await h.until(() => !podsByNode(h.sim).has('node-1') && h.sim.pods({ nodeName: 'node-1' }).length === 0, 'the pod gone from the unlabelled node');
    expect([...podsByNode(h.sim).keys()]).toEqual(['node-2']);
  });

  it('removes the pod from a node tainted NoExecute, keeps it on NoSchedule, and drops it with a removed node', async () => {
    h = await startHarness({ nodes: 3 });
    await h.cp.applyDaemonSet(agentDaemonSet());
    await h.until(() => podsByNode(h.sim).size === 3, 'a pod on each node');
    h.sim.taintNode('node-1', { key: 'dedicated', value: 'db', effect: 'NoSchedule' });
    h.sim.taintNode('node-2', { key: 'dedicated', value: 'db', effect: 'NoExecute' });
    await h.until(() => h.sim.pods({ nodeName: 'node-2' }).length === 0, 'the pod gone from the NoExecute node');
    expect(podsByNode(h.sim).has('node-1')).toBe(true);
    h.sim.removeNode('node-3');
    await h.until(() => h.sim.pods({ nodeName: 'node-3' }).length === 0, "the removed node's pod gone");
    await h.runtime.runUntil(() => false, 60_000); // a quiet minute: nothing comes back
    expect([...podsByNode(h.sim).keys()]).toEqual(['node-1']);
  });
});

// Deleting a DaemonSet: with cascade its pods go (the cluster's garbage collector follows the
// ownerReferences); with orphan they stay, and a new DaemonSet with the same selector adopts them.
import { afterEach, describe, expect, it } from 'vitest';
import { agentDaemonSet, isReady, NAMESPACE, podsByNode, startHarness, type Harness } from './harness';

let h: Harness;
afterEach(async () => h?.close());

describe('DaemonSet deletion, end to end', () => {
  it('takes the pods with it on a cascading delete, and creates none afterwards', async () => {
    h = await startHarness({ nodes: 3 });
    await h.cp.applyDaemonSet(agentDaemonSet());
    await h.until(() => podsByNode(h.sim).size === 3, 'a pod on each node');
    await h.cp.deleteDaemonSet(NAMESPACE, 'agent', 'Background');
    await h.until(() => h.sim.pods({ namespace: NAMESPACE }).length === 0, 'every pod gone');
    h.sim.addNode('node-4');
    await h.runtime.runUntil(() => false, 60_000);
    expect(h.sim.pods({ namespace: NAMESPACE })).toEqual([]);
  });

  it('leaves the pods running on an orphaning delete, and a new DaemonSet with the same selector adopts them', async () => {
    h = await startHarness({ nodes: 3 });
    await h.cp.applyDaemonSet(agentDaemonSet());
    await h.until(() => podsByNode(h.sim).size === 3 && [...podsByNode(h.sim).values()].every(isReady), 'three ready pods');
    const before = [...podsByNode(h.sim).values()].map((p) => p.metadata!.uid).sort();
    await h.cp.deleteDaemonSet(NAMESPACE, 'agent', 'Orphan');
    await h.until(
      () => !h.sim.daemonSet(NAMESPACE, 'agent') && h.sim.pods({ namespace: NAMESPACE }).every((p) => !p.metadata?.ownerReferences?.length),
      'orphaned pods',
    );
    await h.runtime.runUntil(() => false, 60_000);
    expect(
      h.sim
        .pods({ namespace: NAMESPACE })
        .map((p) => p.metadata!.uid)
        .sort(),
    ).toEqual(before);

    await h.cp.applyDaemonSet(agentDaemonSet());
    const adopted = () => {
      const owner = h.sim.daemonSet(NAMESPACE, 'agent')?.metadata?.uid;
      return (
        owner !== undefined && h.sim.pods({ namespace: NAMESPACE }).every((p) => p.metadata?.ownerReferences?.some((r) => r.controller && r.uid === owner))
      );
    };
    await h.until(adopted, 'the orphans adopted by the new DaemonSet');
    await h.runtime.runUntil(() => false, 60_000);
    expect(
      h.sim
        .pods({ namespace: NAMESPACE })
        .map((p) => p.metadata!.uid)
        .sort(),
    ).toEqual(before); // the same pods, none replaced
  });
});

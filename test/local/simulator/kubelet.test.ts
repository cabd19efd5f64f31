// The simulated scheduler, kubelet and node lifecycle, driven by a virtual clock.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { VirtualClock } from '../../../functions/clock';
import { startSimulator, type StartedSimulator } from '../../support/simulator';

let s: StartedSimulator;
let clock: VirtualClock;
let core: CoreV1Api;
beforeEach(async () => {
  clock = new VirtualClock();
  s = await startSimulator({ clock, kubelet: { startDelayMs: 2000, readyDelayMs: 3000 } });
  core = s.kubeConfig.makeApiClient(CoreV1Api);
});
afterEach(() => s.close());

const aimedAt = (name: string, node: string, image = 'agent:1'): V1Pod => ({
  metadata: { name },
  spec: {
    containers: [{ name: 'agent', image }],
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [node] }] }] },
      },
    },
    tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' }],
  },
});
const pod = (name: string) => s.sim.pod('default', name)!;
const ready = (p: V1Pod) => p.status?.conditions?.find((c) => c.type === 'Ready');

describe('scheduler and kubelet', () => {
  it('binds a pod aimed at a node, starts it after the start delay and makes it Ready after the ready delay', async () => {
    s.sim.addNode('n1');
    await core.createNamespacedPod({ namespace: 'default', body: aimedAt('p', 'n1') });
    expect(pod('p').spec?.nodeName).toBe('n1');
    expect(pod('p').status?.phase).toBe('Pending');
    clock.advance(2000);
    expect(pod('p').status?.phase).toBe('Running');
    expect(ready(pod('p'))?.status).toBe('False');
    clock.advance(3000);
    expect(ready(pod('p'))?.status).toBe('True');
    expect(new Date(String(ready(pod('p'))?.lastTransitionTime))).toEqual(clock.now()); // the helper returns wire JSON
  });

  it('leaves a pod aimed at a missing or tainted node Pending and Unschedulable, and binds it once the node fits', async () => {
    await core.createNamespacedPod({ namespace: 'default', body: aimedAt('waits', 'later') });
    expect(pod('waits').status?.conditions?.find((c) => c.type === 'PodScheduled')).toMatchObject({ status: 'False', reason: 'Unschedulable' });
    s.sim.addNode('later', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] });
    expect(pod('waits').spec?.nodeName).toBeUndefined();
    s.sim.untaintNode('later', 'dedicated');
    expect(pod('waits').spec?.nodeName).toBe('later');
  });

  it('keeps a pod whose image cannot be pulled Pending with the ErrImagePull waiting reason', async () => {
    s.sim.addNode('n1');
    s.sim.setImagePullFailure('broken:1');
    await core.createNamespacedPod({ namespace: 'default', body: aimedAt('bad', 'n1', 'broken:1') });
    clock.advance(10_000);
    expect(pod('bad').status?.phase).toBe('Pending');
    expect(pod('bad').status?.containerStatuses?.[0]?.state?.waiting?.reason).toBe('ErrImagePull');
    s.sim.setImagePullFailure('broken:1', false);
    clock.advance(2000);
    expect(pod('bad').status?.phase).toBe('Running');
  });

  it('turns a crashed pod Failed', async () => {
    s.sim.addNode('n1');
    await core.createNamespacedPod({ namespace: 'default', body: aimedAt('crashy', 'n1') });
    clock.advance(5000);
    s.sim.crashPod('default', 'crashy');
    expect(pod('crashy').status?.phase).toBe('Failed');
    expect(ready(pod('crashy'))?.status).toBe('False');
  });
});

describe('node lifecycle', () => {
  it('taints a NotReady node not-ready NoSchedule and NoExecute and marks its pods not Ready, then undoes it', async () => {
    s.sim.addNode('n1');
    await core.createNamespacedPod({ namespace: 'default', body: aimedAt('p', 'n1') });
    clock.advance(5000);
    s.sim.setNodeReady('n1', false);
    const node = await core.readNode({ name: 'n1' });
    expect(node.spec?.taints?.map((t) => `${t.key}:${t.effect}`)).toEqual([
      'node.kubernetes.io/not-ready:NoSchedule',
      'node.kubernetes.io/not-ready:NoExecute',
    ]);
    expect(node.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('False');
    expect(ready(pod('p'))?.status).toBe('False');
    s.sim.setNodeReady('n1', true);
    expect((await core.readNode({ name: 'n1' })).spec?.taints).toBeUndefined();
    clock.advance(3000);
    expect(ready(pod('p'))?.status).toBe('True');
  });

  it('force-deletes the pods of a removed node', async () => {
    s.sim.addNode('n1');
    s.sim.addNode('n2');
    await core.createNamespacedPod({ namespace: 'default', body: aimedAt('on-1', 'n1') });
    await core.createNamespacedPod({ namespace: 'default', body: aimedAt('on-2', 'n2') });
    s.sim.removeNode('n1');
    expect(s.sim.pods().map((p) => p.metadata?.name)).toEqual(['on-2']);
  });

  it('changes only heartbeat times on a heartbeat', async () => {
    clock.advance(1000);
    const before = s.sim.addNode('n1');
    clock.advance(10_000);
    s.sim.heartbeat();
    const after = await core.readNode({ name: 'n1' });
    expect(after.metadata?.resourceVersion).not.toBe(before.metadata?.resourceVersion);
    expect(after.status?.conditions?.[0]?.lastHeartbeatTime).toEqual(clock.now());
    expect(after.spec).toEqual(before.spec);
    expect(after.metadata?.labels).toEqual(before.metadata?.labels);
  });
});

describe('taint eviction', () => {
  it('evicts a pod not tolerating a NoExecute taint at once, and one tolerating it for tolerationSeconds once they have passed', async () => {
    s.sim.addNode('n1');
    await core.createNamespacedPod({
      namespace: 'default',
      body: { metadata: { name: 'plain' }, spec: { nodeName: 'n1', terminationGracePeriodSeconds: 0, containers: [{ name: 'c', image: 'x' }] } },
    });
    await core.createNamespacedPod({
      namespace: 'default',
      body: {
        metadata: { name: 'patient' },
        spec: {
          nodeName: 'n1',
          terminationGracePeriodSeconds: 0,
          containers: [{ name: 'c', image: 'x' }],
          tolerations: [{ key: 'maintenance', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 }],
        },
      },
    });
    await core.createNamespacedPod({ namespace: 'default', body: aimedAt('daemon', 'n1') });
    s.sim.taintNode('n1', { key: 'maintenance', effect: 'NoExecute' });
    expect(s.sim.pod('default', 'plain')).toBeUndefined(); // grace period 0: gone at once
    expect(s.sim.pod('default', 'patient')).toBeDefined();
    expect(s.sim.pod('default', 'daemon')?.metadata?.deletionTimestamp).toBeDefined(); // it tolerates only not-ready
    clock.advance(30_000);
    s.sim.heartbeat(); // node updates do not restart the toleration's clock
    clock.advance(30_000);
    expect(s.sim.pod('default', 'patient')).toBeUndefined();
  });

  it('lets daemon pods stay on a NotReady node (they tolerate not-ready NoExecute)', async () => {
    s.sim.addNode('n1');
    await core.createNamespacedPod({ namespace: 'default', body: aimedAt('daemon', 'n1') });
    s.sim.setNodeReady('n1', false);
    clock.advance(600_000);
    expect(s.sim.pod('default', 'daemon')?.metadata?.deletionTimestamp).toBeUndefined();
  });
});

describe('admission', () => {
  it('gives pods the default 300 s tolerations of not-ready and unreachable nodes unless they say otherwise', async () => {
    const plain = await core.createNamespacedPod({
      namespace: 'default',
      body: { metadata: { name: 'plain' }, spec: { containers: [{ name: 'c', image: 'x' }] } },
    });
    expect(plain.spec?.tolerations).toEqual([
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ]);
    const daemon = await core.createNamespacedPod({ namespace: 'default', body: aimedAt('daemon', 'n1') });
    expect(daemon.spec?.tolerations?.map((t) => `${t.key}:${t.tolerationSeconds ?? 'forever'}`)).toEqual([
      'node.kubernetes.io/not-ready:forever',
      'node.kubernetes.io/unreachable:300',
    ]);
  });
});

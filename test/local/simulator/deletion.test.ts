// Deletion on the simulator: preconditions, graceful pod termination on the clock, and the
// garbage collector's background, foreground and orphan propagation.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiException, CoreV1Api, CustomObjectsApi, type V1OwnerReference, type V1Pod } from '@kubernetes/client-node';
import {
  DAEMONSET_API_VERSION,
  DAEMONSET_GROUP,
  DAEMONSET_KIND,
  DAEMONSET_PLURAL,
  DAEMONSET_VERSION,
} from '../../../functions/adapters/kubernetes/custom-resource';
import { VirtualClock } from '../../../functions/clock';
import { startSimulator, type StartedSimulator } from '../../support/simulator';
import { until } from '../../support/until';

let s: StartedSimulator;
let clock: VirtualClock;
let core: CoreV1Api;
let custom: CustomObjectsApi;
beforeEach(async () => {
  clock = new VirtualClock();
  s = await startSimulator({ clock, kubelet: { startDelayMs: 1000, readyDelayMs: 1000 } });
  core = s.kubeConfig.makeApiClient(CoreV1Api);
  custom = s.kubeConfig.makeApiClient(CustomObjectsApi);
  s.sim.addNode('n1');
});
afterEach(() => s.close());

const dsApi = { group: DAEMONSET_GROUP, version: DAEMONSET_VERSION, namespace: 'default', plural: DAEMONSET_PLURAL };

const codeOf = (call: Promise<unknown>) =>
  call.then(
    () => 0,
    (e: unknown) => (e instanceof ApiException ? e.code : -1),
  );

async function createDaemonSet(name: string): Promise<V1OwnerReference> {
  const ds = (await custom.createNamespacedCustomObject({
    ...dsApi,
    body: {
      apiVersion: DAEMONSET_API_VERSION,
      kind: DAEMONSET_KIND,
      metadata: { name },
      spec: {
        selector: { matchLabels: { app: name } },
        template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'agent' }] } },
      },
    },
  })) as { metadata: { uid: string } };
  return { apiVersion: DAEMONSET_API_VERSION, kind: DAEMONSET_KIND, name, uid: ds.metadata.uid, controller: true, blockOwnerDeletion: true };
}

const daemonPod = (name: string, owner: V1OwnerReference, nodeName = 'n1'): V1Pod => ({
  metadata: { name, labels: { app: owner.name }, ownerReferences: [owner] },
  spec: { nodeName, terminationGracePeriodSeconds: 30, containers: [{ name: 'c', image: 'agent' }] },
});

describe('delete preconditions', () => {
  it('refuses a delete whose uid or resourceVersion precondition does not hold, with 409', async () => {
    const pod = await core.createNamespacedPod({ namespace: 'default', body: { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'x' }] } } });
    expect(await codeOf(core.deleteNamespacedPod({ namespace: 'default', name: 'p', body: { preconditions: { uid: 'other' } } }))).toBe(409);
    expect(await codeOf(core.deleteNamespacedPod({ namespace: 'default', name: 'p', body: { preconditions: { resourceVersion: '1' } } }))).toBe(409);
    expect(await codeOf(core.deleteNamespacedPod({ namespace: 'default', name: 'p', body: { preconditions: { uid: pod.metadata!.uid! } } }))).toBe(0);
    expect(await codeOf(core.deleteNamespacedPod({ namespace: 'default', name: 'p' }))).toBe(404);
  });
});

describe('graceful pod deletion', () => {
  it('marks a running pod with deletionTimestamp and removes it when the grace period has passed on the clock', async () => {
    await core.createNamespacedPod({
      namespace: 'default',
      body: { metadata: { name: 'g' }, spec: { nodeName: 'n1', terminationGracePeriodSeconds: 30, containers: [{ name: 'c', image: 'x' }] } },
    });
    const marked = await core.deleteNamespacedPod({ namespace: 'default', name: 'g' });
    expect(marked.metadata?.deletionTimestamp).toEqual(new Date(clock.now().getTime() + 30_000));
    expect(marked.metadata?.deletionGracePeriodSeconds).toBe(30);
    expect(await codeOf(core.deleteNamespacedPod({ namespace: 'default', name: 'g' }))).toBe(0); // deleting again is fine
    clock.advance(29_000);
    expect(s.sim.pod('default', 'g')).toBeDefined();
    clock.advance(1_000);
    expect(s.sim.pod('default', 'g')).toBeUndefined();
  });

  it('removes a pod at once when it is not bound to a node or the grace period is 0', async () => {
    await core.createNamespacedPod({ namespace: 'default', body: { metadata: { name: 'unbound' }, spec: { containers: [{ name: 'c', image: 'x' }] } } });
    await core.deleteNamespacedPod({ namespace: 'default', name: 'unbound' });
    expect(s.sim.pod('default', 'unbound')).toBeUndefined();
    await core.createNamespacedPod({
      namespace: 'default',
      body: { metadata: { name: 'forced' }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'x' }] } },
    });
    await core.deleteNamespacedPod({ namespace: 'default', name: 'forced', gracePeriodSeconds: 0 });
    expect(s.sim.pod('default', 'forced')).toBeUndefined();
  });
});

describe('garbage collection', () => {
  it('deletes the pods of a DaemonSet deleted in the background', async () => {
    const owner = await createDaemonSet('bg');
    await core.createNamespacedPod({ namespace: 'default', body: daemonPod('bg-1', owner) });
    await custom.deleteNamespacedCustomObject({ ...dsApi, name: 'bg', propagationPolicy: 'Background' });
    expect(s.sim.daemonSet('default', 'bg')).toBeUndefined();
    await until(() => s.sim.pod('default', 'bg-1')?.metadata?.deletionTimestamp !== undefined, 'the pod to be deleted');
    clock.advance(30_000);
    expect(s.sim.pod('default', 'bg-1')).toBeUndefined();
  });

  it('keeps a DaemonSet deleted in the foreground until its blocking pods are gone', async () => {
    const owner = await createDaemonSet('fg');
    await core.createNamespacedPod({ namespace: 'default', body: daemonPod('fg-1', owner) });
    await custom.deleteNamespacedCustomObject({ ...dsApi, name: 'fg', propagationPolicy: 'Foreground' });
    const held = s.sim.daemonSet('default', 'fg');
    expect(held?.metadata?.finalizers).toEqual(['foregroundDeletion']);
    expect(held?.metadata?.deletionTimestamp).toBeDefined();
    await until(() => s.sim.pod('default', 'fg-1')?.metadata?.deletionTimestamp !== undefined, 'the pod to be deleted');
    expect(s.sim.daemonSet('default', 'fg')).toBeDefined();
    clock.advance(30_000);
    await until(() => s.sim.daemonSet('default', 'fg') === undefined, 'the DaemonSet to go');
  });

  it('orphans the pods of a DaemonSet deleted with Orphan, and a new DaemonSet can adopt them', async () => {
    const owner = await createDaemonSet('or');
    await core.createNamespacedPod({ namespace: 'default', body: daemonPod('or-1', owner) });
    await custom.deleteNamespacedCustomObject({ ...dsApi, name: 'or', propagationPolicy: 'Orphan' });
    await until(() => s.sim.daemonSet('default', 'or') === undefined, 'the DaemonSet to go');
    const orphan = s.sim.pod('default', 'or-1')!;
    expect(orphan.metadata?.ownerReferences).toBeUndefined();
    expect(orphan.metadata?.deletionTimestamp).toBeUndefined();
    const successor = await createDaemonSet('or');
    await core.replaceNamespacedPod({
      namespace: 'default',
      name: 'or-1',
      body: { ...orphan, metadata: { ...orphan.metadata, ownerReferences: [successor] } },
    });
    await new Promise((r) => setImmediate(r));
    expect(s.sim.pod('default', 'or-1')?.metadata?.ownerReferences?.[0]?.uid).toBe(successor.uid);
  });

  it('deletes a pod whose owner does not exist', async () => {
    await core.createNamespacedPod({
      namespace: 'default',
      body: daemonPod('dangling', { apiVersion: DAEMONSET_API_VERSION, kind: DAEMONSET_KIND, name: 'gone', uid: 'no-such-uid', controller: true }),
    });
    await until(() => s.sim.pod('default', 'dangling')?.metadata?.deletionTimestamp !== undefined, 'the dangling pod to be deleted');
  });
});

describe('finalizers', () => {
  it('keep a deleted object until the last finalizer is removed, then the watch sees it DELETED', async () => {
    await core.createNamespacedPod({
      namespace: 'default',
      body: { metadata: { name: 'held', finalizers: ['example.com/keep'] }, spec: { containers: [{ name: 'c', image: 'x' }] } },
    });
    await core.deleteNamespacedPod({ namespace: 'default', name: 'held' });
    const held = s.sim.pod('default', 'held');
    expect(held?.metadata?.deletionTimestamp).toBeDefined();
    await core.patchNamespacedPod({ namespace: 'default', name: 'held', body: [{ op: 'remove', path: '/metadata/finalizers' }] });
    expect(s.sim.pod('default', 'held')).toBeUndefined();
  });
});

describe('namespace deletion', () => {
  it('deletes what the namespace holds, refuses new content meanwhile, then removes the namespace', async () => {
    s.sim.createNamespace('doomed');
    await core.createNamespacedPod({
      namespace: 'doomed',
      body: { metadata: { name: 'p' }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'x' }] } },
    });
    await core.deleteNamespace({ name: 'doomed' });
    expect((await core.readNamespace({ name: 'doomed' })).status?.phase).toBe('Terminating');
    expect(
      await codeOf(core.createNamespacedPod({ namespace: 'doomed', body: { metadata: { name: 'q' }, spec: { containers: [{ name: 'c', image: 'x' }] } } })),
    ).toBe(403);
    await until(() => s.sim.pod('doomed', 'p')?.metadata?.deletionTimestamp !== undefined, 'the pod to be deleted');
    expect(await codeOf(core.readNamespace({ name: 'doomed' }))).toBe(0);
    clock.advance(30_000); // the pod's grace period
    await until(() => s.sim.pod('doomed', 'p') === undefined, 'the pod to go');
    await new Promise((r) => setImmediate(r));
    expect(await codeOf(core.readNamespace({ name: 'doomed' }))).toBe(404);
  });
});

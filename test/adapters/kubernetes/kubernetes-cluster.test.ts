// The client-node ClusterApi against the simulator over HTTP: outcomes for every answer the API
// server can give, and the deletion/adoption round trip of upstream's orphan-and-re-adopt.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomObjectsApi, type KubeConfig, type V1OwnerReference, type V1Pod } from '@kubernetes/client-node';
import {
  DAEMONSET_API_VERSION,
  DAEMONSET_GROUP,
  DAEMONSET_KIND,
  DAEMONSET_PLURAL,
  DAEMONSET_VERSION,
} from '../../../functions/adapters/kubernetes/custom-resource';
import { kubeConfigFor } from '../../../functions/adapters/kubernetes/kubeconfig';
import { KubernetesCluster } from '../../../functions/adapters/kubernetes/kubernetes-cluster';
import { startSimulator, type StartedSimulator } from '../../support/simulator';
import { until } from '../../support/until';

let s: StartedSimulator;
let cluster: KubernetesCluster;
let custom: CustomObjectsApi;
beforeAll(async () => {
  s = await startSimulator({ namespaces: ['agents'] });
  cluster = new KubernetesCluster(s.kubeConfig, { qps: 1000, burst: 1000 });
  custom = s.kubeConfig.makeApiClient(CustomObjectsApi);
  s.sim.addNode('n1');
});
afterAll(() => s.close());

const dsApi = { group: DAEMONSET_GROUP, version: DAEMONSET_VERSION, namespace: 'agents', plural: DAEMONSET_PLURAL };

async function newDaemonSet(name: string): Promise<V1OwnerReference> {
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

const podOf = (name: string, owner?: V1OwnerReference): V1Pod => ({
  metadata: { name, labels: { app: owner?.name ?? name }, ...(owner ? { ownerReferences: [owner] } : {}) },
  spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'agent' }] },
});

describe('createPod', () => {
  it('succeeds, then reports a second create of the same name as already-done', async () => {
    expect(await cluster.createPod('agents', podOf('c1'))).toEqual({ outcome: 'succeeded' });
    expect(await cluster.createPod('agents', podOf('c1'))).toMatchObject({ outcome: 'already-done', reason: 'pods "c1" already exists' });
  });

  it("reports a 409 as already-done only when the pod holding the name is this DaemonSet's, for this node and revision", async () => {
    const owner = await newDaemonSet('holder');
    const ours = (name: string, hash: string): V1Pod => {
      const pod = podOf(name, owner);
      pod.metadata!.labels = { ...pod.metadata!.labels, 'controller-revision-hash': hash };
      return pod;
    };
    expect(await cluster.createPod('agents', ours('h1', 'rev1'))).toEqual({ outcome: 'succeeded' });
    expect(await cluster.createPod('agents', ours('h1', 'rev1'))).toMatchObject({ outcome: 'already-done' });
    const another = await cluster.createPod('agents', ours('h1', 'rev2'));
    expect(another).toMatchObject({ outcome: 'failed', retryable: true, nameTaken: true });
    expect(await cluster.createPod('agents', podOf('h2'))).toEqual({ outcome: 'succeeded' }); // a stranger's pod
    expect(await cluster.createPod('agents', ours('h2', 'rev1'))).toMatchObject({ outcome: 'failed', nameTaken: true, reason: expect.stringContaining('h2') });
  });

  it('reports 429 as retryable with the Retry-After seconds, and 500 as retryable', async () => {
    s.sim.failNext({ verb: 'create', code: 429, retryAfterSeconds: 4 });
    expect(await cluster.createPod('agents', podOf('c2'))).toMatchObject({ outcome: 'failed', retryable: true, retryAfterSeconds: 4 });
    s.sim.failNext({ verb: 'create', code: 500 });
    expect(await cluster.createPod('agents', podOf('c2'))).toMatchObject({ outcome: 'failed', retryable: true });
  });

  it('reports a request the server rejects as a permanent failure', async () => {
    expect(await cluster.createPod('no-such-namespace', podOf('c3'))).toEqual({
      outcome: 'failed',
      reason: 'namespaces "no-such-namespace" not found',
      retryable: false,
    });
  });

  it('reports an unreachable server as retryable', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const offline = new KubernetesCluster(kubeConfigFor({ server: `http://127.0.0.1:${port}`, token: 't' }));
    expect(await offline.createPod('agents', podOf('c4'))).toMatchObject({ outcome: 'failed', retryable: true });
  });
});

describe('deletePod', () => {
  it('deletes with a uid precondition; a replaced pod and a missing pod are already-done', async () => {
    await cluster.createPod('agents', podOf('d1'));
    const first = s.sim.pod('agents', 'd1')!;
    s.sim.deletePod('agents', 'd1', 0);
    await cluster.createPod('agents', podOf('d1'));
    expect(await cluster.deletePod('agents', 'd1', first.metadata!.uid!)).toMatchObject({ outcome: 'already-done' });
    expect(s.sim.pod('agents', 'd1')).toBeDefined();
    expect(await cluster.deletePod('agents', 'd1', s.sim.pod('agents', 'd1')!.metadata!.uid!)).toEqual({ outcome: 'succeeded' });
    expect(s.sim.pod('agents', 'd1')?.metadata?.deletionTimestamp).toBeDefined();
    expect(await cluster.deletePod('agents', 'never', 'uid')).toMatchObject({ outcome: 'already-done', reason: 'pods "never" not found' });
  });
});

describe('adoptPod and releasePod', () => {
  it('adopts an orphan once, refuses a pod another controller owns, and releases it again', async () => {
    const owner = await newDaemonSet('adopter');
    await cluster.createPod('agents', podOf('orphan-1'));
    const uid = s.sim.pod('agents', 'orphan-1')!.metadata!.uid!;
    expect(await cluster.adoptPod('agents', 'orphan-1', uid, owner)).toEqual({ outcome: 'succeeded' });
    expect(s.sim.pod('agents', 'orphan-1')?.metadata?.ownerReferences).toEqual([owner]);
    expect(await cluster.adoptPod('agents', 'orphan-1', uid, owner)).toMatchObject({ outcome: 'already-done' });
    const rival = await newDaemonSet('rival');
    expect(await cluster.adoptPod('agents', 'orphan-1', uid, rival)).toMatchObject({ outcome: 'failed', retryable: false });
    expect(await cluster.releasePod('agents', 'orphan-1', uid, owner.uid)).toEqual({ outcome: 'succeeded' });
    expect(s.sim.pod('agents', 'orphan-1')?.metadata?.ownerReferences).toBeUndefined();
    expect(await cluster.releasePod('agents', 'orphan-1', uid, owner.uid)).toMatchObject({ outcome: 'already-done' });
  });

  it('does not adopt a pod that was replaced under the same name', async () => {
    const owner = await newDaemonSet('late');
    await cluster.createPod('agents', podOf('swapped'));
    const old = s.sim.pod('agents', 'swapped')!.metadata!.uid!;
    s.sim.deletePod('agents', 'swapped', 0);
    await cluster.createPod('agents', podOf('swapped'));
    expect(await cluster.adoptPod('agents', 'swapped', old, owner)).toMatchObject({ outcome: 'failed', retryable: false });
    expect(s.sim.pod('agents', 'swapped')?.metadata?.ownerReferences).toBeUndefined();
  });

  it('retries a claim that loses a race with another writer', async () => {
    const owner = await newDaemonSet('racer');
    await cluster.createPod('agents', podOf('raced'));
    const uid = s.sim.pod('agents', 'raced')!.metadata!.uid!;
    s.sim.failNext({ verb: 'patch', path: '/pods/raced', code: 409 });
    expect(await cluster.adoptPod('agents', 'raced', uid, owner)).toEqual({ outcome: 'succeeded' });
  });

  it('lets a DaemonSet recreated after an orphaning delete adopt the orphaned pods, while a cascading delete removes them', async () => {
    const first = await newDaemonSet('cycle');
    await cluster.createPod('agents', podOf('cycle-1', first));
    await custom.deleteNamespacedCustomObject({ ...dsApi, name: 'cycle', propagationPolicy: 'Orphan' });
    await until(() => s.sim.daemonSet('agents', 'cycle') === undefined, 'the orphaning delete');
    const pod = s.sim.pod('agents', 'cycle-1')!;
    expect(pod.metadata?.ownerReferences).toBeUndefined();

    const second = await newDaemonSet('cycle');
    expect(await cluster.adoptPod('agents', 'cycle-1', pod.metadata!.uid!, second)).toEqual({ outcome: 'succeeded' });
    await custom.deleteNamespacedCustomObject({ ...dsApi, name: 'cycle', propagationPolicy: 'Background' });
    await until(() => s.sim.pod('agents', 'cycle-1')?.metadata?.deletionTimestamp !== undefined, 'the cascading delete');
  });
});

describe('writeDaemonSetStatus', () => {
  it('writes the status subresource, and fails permanently for a missing DaemonSet', async () => {
    await newDaemonSet('status');
    expect(
      await cluster.writeDaemonSetStatus('agents', 'status', { currentNumberScheduled: 1, desiredNumberScheduled: 2, numberMisscheduled: 0, numberReady: 1 }),
    ).toEqual({ outcome: 'succeeded' });
    expect(s.sim.daemonSet('agents', 'status')?.status).toEqual({
      currentNumberScheduled: 1,
      desiredNumberScheduled: 2,
      numberMisscheduled: 0,
      numberReady: 1,
    });
    expect(
      await cluster.writeDaemonSetStatus('agents', 'gone', { currentNumberScheduled: 0, desiredNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 }),
    ).toMatchObject({ outcome: 'failed', retryable: false });
  });
});

describe('readDaemonSet', () => {
  it('reads the DaemonSet as the API server has it (uid, generation, spec), undefined when there is none', async () => {
    const owner = await newDaemonSet('read-me');
    const ds = await cluster.readDaemonSet('agents', 'read-me');
    expect(ds?.metadata).toMatchObject({ uid: owner.uid, generation: 1 });
    expect(ds?.spec?.template.spec?.containers[0]?.image).toBe('agent');
    expect(await cluster.readDaemonSet('agents', 'no-such-ds')).toBeUndefined();
  });

  it('throws, naming the DaemonSet, when the server fails', async () => {
    s.sim.failNext({ verb: 'get', code: 500 });
    await expect(cluster.readDaemonSet('agents', 'read-me')).rejects.toThrow(/reading DaemonSet agents\/read-me/);
  });
});

describe('kubeConfigFor', () => {
  it('loads a kubeconfig file the simulator wrote', async () => {
    const path = `${process.env.TMPDIR ?? '/tmp'}/daemonloop-kubeconfig-${process.pid}.yaml`;
    await s.sim.writeKubeconfig(path);
    const kc: KubeConfig = kubeConfigFor({ kubeconfigPath: path });
    expect(kc.getCurrentCluster()?.server).toBe(s.url);
    expect(await new KubernetesCluster(kc).createPod('agents', podOf('via-file'))).toEqual({ outcome: 'succeeded' });
  });
});

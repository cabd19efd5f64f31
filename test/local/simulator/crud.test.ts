// The simulator's REST semantics, exercised through client-node over HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiException, CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions, type V1Pod } from '@kubernetes/client-node';
import {
  DAEMONSET_API_VERSION,
  DAEMONSET_GROUP,
  DAEMONSET_KIND,
  DAEMONSET_PLURAL,
  DAEMONSET_VERSION,
} from '../../../functions/adapters/kubernetes/custom-resource';
import { startSimulator, type StartedSimulator } from '../../support/simulator';

let s: StartedSimulator;
let core: CoreV1Api;
let custom: CustomObjectsApi;
beforeAll(async () => {
  s = await startSimulator({ namespaces: ['crud'] });
  core = s.kubeConfig.makeApiClient(CoreV1Api);
  custom = s.kubeConfig.makeApiClient(CustomObjectsApi);
});
afterAll(() => s.close());

const aPod = (name: string, labels: Record<string, string> = {}): V1Pod => ({
  metadata: { name, labels },
  spec: { containers: [{ name: 'c', image: 'busybox' }] },
});

/** The ApiException a call fails with, its Status body parsed. */
async function failure(call: Promise<unknown>): Promise<{ code: number; status: { kind: string; reason: string; message: string; code: number } }> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ApiException)) throw new Error(`expected an ApiException, got ${String(error)}`);
  return { code: error.code, status: JSON.parse(error.body as string) };
}

const daemonSet = (name: string, image = 'agent:1') => ({
  apiVersion: DAEMONSET_API_VERSION,
  kind: DAEMONSET_KIND,
  metadata: { name },
  spec: {
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'agent', image }] } },
  },
});
const dsApi = { group: DAEMONSET_GROUP, version: DAEMONSET_VERSION, namespace: 'crud', plural: DAEMONSET_PLURAL };

describe('create and get', () => {
  it('sets uid, resourceVersion and creationTimestamp, and names generateName objects with a random suffix', async () => {
    const pod = await core.createNamespacedPod({ namespace: 'crud', body: { ...aPod(''), metadata: { generateName: 'agent-' } } });
    expect(pod.metadata?.name).toMatch(/^agent-[a-z0-9]{5}$/);
    expect(pod.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(pod.metadata?.resourceVersion)).toBeGreaterThan(0);
    expect(pod.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(pod.status?.phase).toBe('Pending');
  });

  it('answers a second create of the same name with 409 AlreadyExists in a Status body', async () => {
    await core.createNamespacedPod({ namespace: 'crud', body: aPod('twice') });
    const { code, status } = await failure(core.createNamespacedPod({ namespace: 'crud', body: aPod('twice') }));
    expect(code).toBe(409);
    expect(status).toMatchObject({ kind: 'Status', reason: 'AlreadyExists', code: 409, message: 'pods "twice" already exists' });
  });

  it('answers a missing object with 404 NotFound naming it', async () => {
    const { code, status } = await failure(core.readNamespacedPod({ namespace: 'crud', name: 'ghost' }));
    expect(code).toBe(404);
    expect(status).toMatchObject({ reason: 'NotFound', message: 'pods "ghost" not found' });
  });

  it('refuses objects in a namespace that does not exist', async () => {
    const { code, status } = await failure(core.createNamespacedPod({ namespace: 'nowhere', body: aPod('p') }));
    expect(code).toBe(404);
    expect(status.message).toBe('namespaces "nowhere" not found');
  });

  it('counts resourceVersions with one counter across all resources', async () => {
    const a = await core.createNamespacedPod({ namespace: 'crud', body: aPod('rv-a') });
    const node = s.sim.addNode('rv-node');
    const b = await core.createNamespacedPod({ namespace: 'crud', body: aPod('rv-b') });
    expect(Number(node.metadata?.resourceVersion)).toBeGreaterThan(Number(a.metadata?.resourceVersion));
    expect(Number(b.metadata?.resourceVersion)).toBeGreaterThan(Number(node.metadata?.resourceVersion));
  });
});

describe('update and patch', () => {
  it('rejects an update carrying a stale resourceVersion with 409 Conflict', async () => {
    const pod = await core.createNamespacedPod({ namespace: 'crud', body: aPod('stale') });
    await core.replaceNamespacedPod({ namespace: 'crud', name: 'stale', body: { ...pod, metadata: { ...pod.metadata, labels: { v: '2' } } } });
    const { code, status } = await failure(
      core.replaceNamespacedPod({ namespace: 'crud', name: 'stale', body: { ...pod, metadata: { ...pod.metadata, labels: { v: '3' } } } }),
    );
    expect(code).toBe(409);
    expect(status.reason).toBe('Conflict');
    expect(status.message).toContain('the object has been modified');
  });

  it('applies merge, strategic-merge (as merge) and JSON patches', async () => {
    await core.createNamespacedPod({ namespace: 'crud', body: aPod('patched', { a: '1', b: '2' }) });
    const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
    await core.patchNamespacedPod({ namespace: 'crud', name: 'patched', body: { metadata: { labels: { a: null, c: '3' } } } }, merge);
    const strategic = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);
    await core.patchNamespacedPod({ namespace: 'crud', name: 'patched', body: { metadata: { annotations: { note: 'x' } } } }, strategic);
    const pod = await core.patchNamespacedPod({ namespace: 'crud', name: 'patched', body: [{ op: 'add', path: '/metadata/labels/d', value: '4' }] });
    expect(pod.metadata?.labels).toEqual({ b: '2', c: '3', d: '4' });
    expect(pod.metadata?.annotations).toEqual({ note: 'x' });
  });

  it('fails a JSON patch whose test operation does not hold, changing nothing', async () => {
    const before = await core.createNamespacedPod({ namespace: 'crud', body: aPod('tested', { a: '1' }) });
    const { code } = await failure(
      core.patchNamespacedPod({
        namespace: 'crud',
        name: 'tested',
        body: [
          { op: 'test', path: '/metadata/uid', value: 'other' },
          { op: 'remove', path: '/metadata/labels' },
        ],
      }),
    );
    expect(code).toBe(422);
    const after = await core.readNamespacedPod({ namespace: 'crud', name: 'tested' });
    expect(after.metadata?.resourceVersion).toBe(before.metadata?.resourceVersion);
  });

  it('treats a uid in a merge patch as a precondition', async () => {
    await core.createNamespacedPod({ namespace: 'crud', body: aPod('uid-guard') });
    const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
    const { code, status } = await failure(
      core.patchNamespacedPod({ namespace: 'crud', name: 'uid-guard', body: { metadata: { uid: 'not-it', labels: { x: 'y' } } } }, merge),
    );
    expect(code).toBe(409);
    expect(status.message).toContain('Precondition failed: UID in precondition: not-it');
  });

  it('keeps the resourceVersion when an update changes nothing', async () => {
    const pod = await core.createNamespacedPod({ namespace: 'crud', body: aPod('same', { a: '1' }) });
    const again = await core.replaceNamespacedPod({ namespace: 'crud', name: 'same', body: pod });
    expect(again.metadata?.resourceVersion).toBe(pod.metadata?.resourceVersion);
  });
});

describe('list selectors', () => {
  beforeAll(async () => {
    s.sim.createNamespace('sel');
    for (const [name, labels] of [
      ['s1', { tier: 'a', env: 'prod' }],
      ['s2', { tier: 'b', env: 'dev' }],
      ['s3', { tier: 'c' }],
    ] as const) {
      await core.createNamespacedPod({ namespace: 'sel', body: aPod(name, labels) });
    }
  });
  const names = async (labelSelector?: string, fieldSelector?: string) =>
    (await core.listNamespacedPod({ namespace: 'sel', labelSelector, fieldSelector })).items.map((p) => p.metadata?.name).sort();

  it.each([
    ['tier=a', ['s1']],
    ['tier==b', ['s2']],
    ['tier!=a', ['s2', 's3']],
    ['tier in (a,c)', ['s1', 's3']],
    ['tier notin (a,c)', ['s2']],
    ['env', ['s1', 's2']],
    ['!env', ['s3']],
    ['env,tier in (b, c)', ['s2']],
  ])('matches labelSelector %s', async (selector, expected) => {
    expect(await names(selector)).toEqual(expected);
  });

  it('matches fieldSelector metadata.name and spec.nodeName, and rejects unknown fields with 400', async () => {
    expect(await names(undefined, 'metadata.name=s2')).toEqual(['s2']);
    expect(await names(undefined, 'metadata.name!=s2')).toEqual(['s1', 's3']);
    expect(await names(undefined, 'spec.nodeName=')).toEqual(['s1', 's2', 's3']);
    expect(await names(undefined, 'metadata.namespace=sel,metadata.name=s1')).toEqual(['s1']);
    const { code, status } = await failure(core.listNamespacedPod({ namespace: 'sel', fieldSelector: 'spec.color=red' }));
    expect(code).toBe(400);
    expect(status.message).toContain('field label not supported: spec.color');
  });

  it('lists the pods bound to one node (the kubelet query, served from the node index)', async () => {
    for (const node of ['idx-1', 'idx-2'])
      await core.createNamespacedPod({ namespace: 'sel', body: { ...aPod(`on-${node}`), spec: { nodeName: node, containers: [{ name: 'c', image: 'x' }] } } });
    const onIdx2 = await core.listPodForAllNamespaces({ fieldSelector: 'spec.nodeName=idx-2' });
    expect(onIdx2.items.map((p) => p.metadata?.name)).toEqual(['on-idx-2']);
    expect((await core.listNamespacedPod({ namespace: 'crud', fieldSelector: 'spec.nodeName=idx-2' })).items).toEqual([]);
  });

  it('lists across namespaces with the list resourceVersion', async () => {
    const list = await core.listPodForAllNamespaces({ labelSelector: 'tier' });
    expect(list.items.map((p) => p.metadata?.namespace)).toEqual(['sel', 'sel', 'sel']);
    expect(list.metadata?.resourceVersion).toBe(s.sim.resourceVersion);
  });
});

describe('the DaemonSet custom resource', () => {
  it('starts at generation 1 and bumps it only when the spec changes', async () => {
    const created = (await custom.createNamespacedCustomObject({ ...dsApi, body: daemonSet('gen') })) as ReturnType<typeof daemonSet> & {
      metadata: { generation: number; resourceVersion: string };
    };
    expect(created.metadata.generation).toBe(1);
    const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
    const relabelled = (await custom.patchNamespacedCustomObject(
      { ...dsApi, name: 'gen', body: { metadata: { labels: { x: '1' } } } },
      merge,
    )) as typeof created;
    expect(relabelled.metadata.generation).toBe(1);
    const updated = (await custom.patchNamespacedCustomObject(
      { ...dsApi, name: 'gen', body: { spec: { template: { spec: { containers: [{ name: 'agent', image: 'agent:2' }] } } } } },
      merge,
    )) as typeof created;
    expect(updated.metadata.generation).toBe(2);
  });

  it('writes status only through /status, and spec never through it', async () => {
    await custom.createNamespacedCustomObject({ ...dsApi, body: daemonSet('st') });
    const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
    await custom.patchNamespacedCustomObject({ ...dsApi, name: 'st', body: { status: { desiredNumberScheduled: 9 } } }, merge);
    let ds = (await custom.getNamespacedCustomObject({ ...dsApi, name: 'st' })) as {
      status?: { desiredNumberScheduled: number };
      spec: { minReadySeconds?: number };
      metadata: { generation: number };
    };
    expect(ds.status).toBeUndefined();
    await custom.patchNamespacedCustomObjectStatus(
      { ...dsApi, name: 'st', body: { spec: { minReadySeconds: 5 }, status: { desiredNumberScheduled: 3 } } },
      merge,
    );
    ds = (await custom.getNamespacedCustomObject({ ...dsApi, name: 'st' })) as typeof ds;
    expect(ds.status?.desiredNumberScheduled).toBe(3);
    expect(ds.spec.minReadySeconds).toBeUndefined();
    expect(ds.metadata.generation).toBe(1);
  });

  it('rejects an object of another kind or apiVersion with 400', async () => {
    const { code } = await failure(custom.createNamespacedCustomObject({ ...dsApi, body: { ...daemonSet('apps'), apiVersion: 'apps/v1' } }));
    expect(code).toBe(400);
  });
});

describe('faults', () => {
  it('fails the next matching requests with the injected code and a Retry-After for 429', async () => {
    s.sim.failNext({ verb: 'create', path: '/namespaces/crud/pods', code: 429, retryAfterSeconds: 7, count: 2 });
    for (let i = 0; i < 2; i++) {
      const error = await core.createNamespacedPod({ namespace: 'crud', body: aPod(`throttled-${i}`) }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiException);
      expect((error as ApiException<string>).code).toBe(429);
      expect((error as ApiException<string>).headers['retry-after']).toBe('7');
    }
    await expect(core.createNamespacedPod({ namespace: 'crud', body: aPod('throttled-2') })).resolves.toBeDefined();
  });

  it('rejects a request with the wrong bearer token with 401', async () => {
    const res = await fetch(`${s.url}/api/v1/nodes`, { headers: { authorization: 'Bearer stolen' } });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { reason: string }).reason).toBe('Unauthorized');
  });
});

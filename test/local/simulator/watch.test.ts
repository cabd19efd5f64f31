// Watches on the simulator behave as client-node expects of a real API server: resumable,
// filtered, bookmarked, and answering a compacted version with 410 so informers relist.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CoreV1Api, makeInformer, Watch, type V1Pod } from '@kubernetes/client-node';
import { startSimulator, type StartedSimulator } from '../../support/simulator';
import { until } from '../../support/until';

let s: StartedSimulator;
let core: CoreV1Api;
beforeEach(async () => {
  s = await startSimulator({ bookmarkIntervalMs: 50 });
  core = s.kubeConfig.makeApiClient(CoreV1Api);
});
afterEach(() => s.close());

const aPod = (name: string, labels: Record<string, string> = {}): V1Pod => ({
  metadata: { name, labels },
  spec: { containers: [{ name: 'c', image: 'busybox' }] },
});

interface Seen {
  type: string;
  name?: string;
  rv?: string;
  object: { code?: number; kind?: string };
}

async function watchPods(query: Record<string, string>, path = '/api/v1/namespaces/default/pods') {
  const seen: Seen[] = [];
  let ended: unknown = 'open';
  const controller = await new Watch(s.kubeConfig).watch(
    path,
    query,
    (type, obj) => seen.push({ type, name: obj.metadata?.name, rv: obj.metadata?.resourceVersion, object: obj }),
    (err) => (ended = err),
  );
  return { seen, ended: () => ended, stop: () => controller.abort() };
}

describe('watch', () => {
  it('streams ADDED for current objects, then changes, with the deletion resourceVersion on DELETED', async () => {
    await core.createNamespacedPod({ namespace: 'default', body: aPod('a') });
    const w = await watchPods({});
    await core.createNamespacedPod({ namespace: 'default', body: aPod('b') });
    const deleted = await core.deleteNamespacedPod({ namespace: 'default', name: 'a', gracePeriodSeconds: 0 });
    await until(() => w.seen.length === 3, 'three events');
    expect(w.seen.map((e) => `${e.type}:${e.name}`)).toEqual(['ADDED:a', 'ADDED:b', 'DELETED:a']);
    expect(Number(w.seen[2]!.rv)).toBeGreaterThan(Number(deleted.metadata?.resourceVersion) - 1);
    w.stop();
  });

  it('resumes after a resourceVersion with exactly the changes that followed it', async () => {
    const a = await core.createNamespacedPod({ namespace: 'default', body: aPod('a') });
    await core.createNamespacedPod({ namespace: 'default', body: aPod('b') });
    await core.deleteNamespacedPod({ namespace: 'default', name: 'a', gracePeriodSeconds: 0 });
    const w = await watchPods({ resourceVersion: a.metadata!.resourceVersion! });
    await until(() => w.seen.length === 2, 'the backlog');
    expect(w.seen.map((e) => `${e.type}:${e.name}`)).toEqual(['ADDED:b', 'DELETED:a']);
    w.stop();
  });

  it('answers a compacted resourceVersion with an ERROR event carrying 410 Expired, then ends', async () => {
    const a = await core.createNamespacedPod({ namespace: 'default', body: aPod('a') });
    await core.createNamespacedPod({ namespace: 'default', body: aPod('b') });
    s.sim.compact();
    const w = await watchPods({ resourceVersion: a.metadata!.resourceVersion! });
    await until(() => w.ended() !== 'open', 'the end of the stream');
    expect(w.seen).toHaveLength(1);
    expect(w.seen[0]).toMatchObject({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } });
  });

  it('sends BOOKMARK events when asked to', async () => {
    const w = await watchPods({ resourceVersion: s.sim.resourceVersion, allowWatchBookmarks: 'true' });
    await until(() => w.seen.some((e) => e.type === 'BOOKMARK'), 'a bookmark');
    expect(w.seen.find((e) => e.type === 'BOOKMARK')?.rv).toBe(s.sim.resourceVersion);
    w.stop();
  });

  it('turns a label change into ADDED or DELETED for a watch filtered by labelSelector', async () => {
    await core.createNamespacedPod({ namespace: 'default', body: aPod('p', { app: 'other' }) });
    const w = await watchPods({ resourceVersion: s.sim.resourceVersion, labelSelector: 'app=agent' });
    const relabel = (app: string) =>
      core.replaceNamespacedPod({
        namespace: 'default',
        name: 'p',
        body: { ...s.sim.pod('default', 'p')!, metadata: { ...s.sim.pod('default', 'p')!.metadata, labels: { app } } },
      });
    await relabel('agent');
    await relabel('other');
    await until(() => w.seen.length === 2, 'two events');
    expect(w.seen.map((e) => e.type)).toEqual(['ADDED', 'DELETED']);
    w.stop();
  });

  it('ends the stream after timeoutSeconds', async () => {
    const w = await watchPods({ timeoutSeconds: '1' });
    await until(() => w.ended() !== 'open', 'the timeout', 3000);
    expect(w.ended()).toBeNull();
  });
});

describe('informers against the simulator', () => {
  const podInformer = () => makeInformer(s.kubeConfig, '/api/v1/namespaces/default/pods', () => core.listNamespacedPod({ namespace: 'default' }));

  it('re-watch from the last resourceVersion after the server closes every watch', async () => {
    const informer = podInformer();
    const added: string[] = [];
    informer.on('add', (p) => added.push(p.metadata!.name!));
    await informer.start();
    s.sim.closeWatches();
    await until(() => s.sim.openWatches === 1, 'a new watch', 5000);
    await core.createNamespacedPod({ namespace: 'default', body: aPod('after-close') });
    await until(() => added.includes('after-close'), 'the add');
    await informer.stop();
  });

  it('relist after a 410, reporting objects deleted meanwhile as deletes', async () => {
    await core.createNamespacedPod({ namespace: 'default', body: aPod('kept') });
    await core.createNamespacedPod({ namespace: 'default', body: aPod('doomed') });
    const informer = podInformer();
    const deleted: string[] = [];
    informer.on('delete', (p) => deleted.push(p.metadata!.name!));
    await informer.start();
    // Make the informer reconnect from a version that is then compacted away, missing the delete.
    s.sim.closeWatches();
    s.sim.deletePod('default', 'doomed', 0);
    s.sim.compact();
    await until(() => deleted.includes('doomed'), 'the relist delete');
    expect(informer.list().map((p) => p.metadata?.name)).toEqual(['kept']);
    await informer.stop();
  });

  it('stop on a watch error until started again, then resume', async () => {
    const informer = podInformer();
    const errors: unknown[] = [];
    const added: string[] = [];
    informer.on('error', (e: unknown) => errors.push(e));
    informer.on('add', (p) => added.push(p.metadata!.name!));
    await informer.start();
    s.sim.failNext({ verb: 'watch', code: 500 });
    s.sim.closeWatches();
    await until(() => errors.length === 1, 'the error');
    await core.createNamespacedPod({ namespace: 'default', body: aPod('while-stopped') });
    await informer.start();
    await until(() => added.includes('while-stopped'), 'the add after restart');
    await informer.stop();
  });
});

// applyDecision creates in slow-start batches that stop after a failing batch, then deletes with
// uid preconditions, adopting and releasing first (as upstream claims before it manages), and reports an outcome for every action.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomObjectsApi, type V1DaemonSet, type V1Pod } from '@kubernetes/client-node';
import { applyDecision } from '../../../functions/adapters/kubernetes/apply-decision';
import type { ClusterApi } from '../../../functions/adapters/kubernetes/cluster-api';
import {
  DAEMONSET_API_VERSION,
  DAEMONSET_GROUP,
  DAEMONSET_KIND,
  DAEMONSET_PLURAL,
  DAEMONSET_VERSION,
} from '../../../functions/adapters/kubernetes/custom-resource';
import { KubernetesCluster } from '../../../functions/adapters/kubernetes/kubernetes-cluster';
import type { ReconcileResult } from '../../../domain/types';
import { startSimulator, type StartedSimulator } from '../../support/simulator';

let s: StartedSimulator;
let cluster: KubernetesCluster;
let ds: V1DaemonSet;
beforeAll(async () => {
  s = await startSimulator({ namespaces: ['apply'] });
  cluster = new KubernetesCluster(s.kubeConfig);
  ds = (await s.kubeConfig.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
    group: DAEMONSET_GROUP,
    version: DAEMONSET_VERSION,
    namespace: 'apply',
    plural: DAEMONSET_PLURAL,
    body: {
      apiVersion: DAEMONSET_API_VERSION,
      kind: DAEMONSET_KIND,
      metadata: { name: 'agent' },
      spec: {
        selector: { matchLabels: { app: 'agent' } },
        template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'c', image: 'a' }] } },
      },
    },
  })) as V1DaemonSet;
});
afterAll(() => s.close());

const pod = (name: string, extra: Partial<V1Pod['metadata']> = {}): V1Pod => ({
  metadata: { name, labels: { app: 'agent' }, ...extra },
  spec: { containers: [{ name: 'c', image: 'a' }] },
});
const emptyStatus = { currentNumberScheduled: 0, desiredNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 };
const result = (r: Partial<ReconcileResult>): ReconcileResult => ({
  create: [],
  delete: [],
  adopt: [],
  release: [],
  status: emptyStatus,
  waits: [],
  failedPodBackoff: {},
  ...r,
});

describe('applyDecision', () => {
  it('stops creating after the first batch with a failure and reports the rest as not attempted', async () => {
    const creates = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'].map((name, i) => ({
      nodeName: `n${i + 1}`,
      pod: pod(name, name === 'p2' ? { namespace: 'elsewhere' } : {}),
    }));
    const outcomes = await applyDecision(cluster, 'apply', result({ create: creates }), { daemonSet: ds, pods: [] });
    expect(outcomes.map((o) => [o.podName, o.outcome])).toEqual([
      ['p1', 'succeeded'], // batch of 1
      ['p2', 'failed'],
      ['p3', 'succeeded'], // batch of 2: a failure ends slow start
      ['p4', 'failed'],
      ['p5', 'failed'],
      ['p6', 'failed'],
    ]);
    expect(outcomes[1]).toMatchObject({ action: 'create', nodeName: 'n2', retryable: false });
    expect(outcomes[3]!.reason).toMatch(/not attempted/);
    expect(
      s.sim
        .pods({ namespace: 'apply' })
        .map((p) => p.metadata?.name)
        .sort(),
    ).toEqual(['p1', 'p3']);
  });

  it('creates in batches of 1, 2, 4, … when nothing fails', async () => {
    const batches: number[] = [];
    let inFlight = 0;
    const recording: ClusterApi = Object.assign(Object.create(cluster) as ClusterApi, {
      async createPod(namespace: string, p: V1Pod) {
        if (inFlight++ === 0) batches.push(0);
        batches[batches.length - 1]!++;
        try {
          return await cluster.createPod(namespace, p);
        } finally {
          inFlight--;
        }
      },
    });
    const creates = Array.from({ length: 7 }, (_, i) => ({ nodeName: `m${i}`, pod: pod(`q${i}`) }));
    const outcomes = await applyDecision(recording, 'apply', result({ create: creates }), { daemonSet: ds, pods: [] });
    expect(outcomes.map((o) => o.outcome)).toEqual(Array(7).fill('succeeded'));
    expect(batches).toEqual([1, 2, 4]);
  });

  it('deletes by the uid the decision saw, and adopts and releases with the DaemonSet as controller', async () => {
    await cluster.createPod('apply', pod('doomed'));
    await cluster.createPod('apply', pod('stray'));
    await cluster.createPod(
      'apply',
      pod('leaving', {
        ownerReferences: [{ apiVersion: DAEMONSET_API_VERSION, kind: DAEMONSET_KIND, name: 'agent', uid: ds.metadata!.uid!, controller: true }],
      }),
    );
    const seen = s.sim.pods({ namespace: 'apply' });
    const uid = (name: string) => seen.find((p) => p.metadata?.name === name)!.metadata!.uid!;
    const outcomes = await applyDecision(
      cluster,
      'apply',
      result({
        delete: [
          { podName: 'doomed', nodeName: 'n1', reason: 'test' },
          { podName: 'unseen', reason: 'test' },
        ],
        adopt: [{ podName: 'stray', podUid: uid('stray') }],
        release: [{ podName: 'leaving', podUid: uid('leaving') }],
      }),
      { daemonSet: ds, pods: seen },
    );
    expect(outcomes.map((o) => [o.action, o.podName, o.outcome])).toEqual([
      ['adopt', 'stray', 'succeeded'],
      ['release', 'leaving', 'succeeded'],
      ['delete', 'doomed', 'succeeded'],
      ['delete', 'unseen', 'failed'],
    ]);
    expect(s.sim.pod('apply', 'doomed')).toBeUndefined();
    expect(s.sim.pod('apply', 'stray')?.metadata?.ownerReferences?.[0]).toMatchObject({ uid: ds.metadata?.uid, controller: true, kind: DAEMONSET_KIND });
    expect(s.sim.pod('apply', 'leaving')?.metadata?.ownerReferences).toBeUndefined();
  });

  it('adopts an orphan before deleting it, and deletes nothing it failed to adopt (another controller took it first)', async () => {
    const otherDs = (await s.kubeConfig.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
      group: DAEMONSET_GROUP,
      version: DAEMONSET_VERSION,
      namespace: 'apply',
      plural: DAEMONSET_PLURAL,
      body: {
        apiVersion: DAEMONSET_API_VERSION,
        kind: DAEMONSET_KIND,
        metadata: { name: 'other' },
        spec: {
          selector: { matchLabels: { app: 'agent' } },
          template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'c', image: 'a' }] } },
        },
      },
    })) as V1DaemonSet;
    const other = { apiVersion: DAEMONSET_API_VERSION, kind: DAEMONSET_KIND, name: 'other', uid: otherDs.metadata!.uid!, controller: true };
    await cluster.createPod('apply', pod('contested'));
    const seen = s.sim.pods({ namespace: 'apply' }).find((p) => p.metadata?.name === 'contested')!;
    await cluster.adoptPod('apply', 'contested', seen.metadata!.uid!, other); // after our decision saw it an orphan
    const outcomes = await applyDecision(
      cluster,
      'apply',
      result({ adopt: [{ podName: 'contested', podUid: seen.metadata!.uid! }], delete: [{ podName: 'contested', nodeName: 'n1', reason: 'duplicate' }] }),
      { daemonSet: ds, pods: [seen] },
    );
    expect(outcomes.map((o) => [o.action, o.outcome])).toEqual([
      ['adopt', 'failed'],
      ['delete', 'failed'],
    ]);
    expect(outcomes[1]!.reason).toMatch(/not adopted/);
    expect(s.sim.pod('apply', 'contested')).toBeDefined();
  });
});

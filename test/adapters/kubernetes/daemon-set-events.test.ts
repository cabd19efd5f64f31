// The Events a decision leaves on its DaemonSet, as upstream's controller records them, and — over
// the simulator's Events APIs (events.k8s.io/v1, which reconcile writes, and core/v1, the same
// objects) — what `kubectl describe dlds` shows after a rollout, including the rollout's own
// transitions; and the fallback to core/v1 on a server without events.k8s.io.
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CoreV1Api, EventsV1Api, type V1DaemonSet } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../../functions/adapters/kubernetes/apply-decision';
import { kubeConfigFor } from '../../../functions/adapters/kubernetes/kubeconfig';
import { daemonSetEvents, rolloutEvents } from '../../../functions/adapters/kubernetes/daemon-set-events';
import { KubernetesCluster } from '../../../functions/adapters/kubernetes/kubernetes-cluster';
import { DAEMONSET_API_VERSION } from '../../../functions/adapters/kubernetes/custom-resource';
import { EVENTS_V1 } from '../../../functions/local/simulator/resources';
import { agentDaemonSet, isAvailable, livePodsByNode, NAMESPACE, podsByNode, startHarness } from '../../e2e/harness';

const created = (podName: string, outcome: Outcome['outcome'] = 'succeeded', reason?: string): Outcome => ({
  action: 'create',
  podName,
  nodeName: 'n',
  outcome,
  ...(reason ? { reason } : {}),
});

describe('daemonSetEvents', () => {
  it('records creates and deletes as upstream words them, a failure as a Warning, and nothing for work already done or never attempted', () => {
    const outcomes: Outcome[] = [
      created('agent-a'),
      created('agent-b', 'failed', 'pods "agent-b" is forbidden: exceeded quota'),
      created('agent-c', 'already-done', 'AlreadyExists'),
      created('agent-d', 'failed', 'not attempted: an earlier create batch failed (slow start)'),
      { action: 'delete', podName: 'agent-old', outcome: 'succeeded' },
      { action: 'adopt', podName: 'agent-orphan', outcome: 'succeeded' },
    ];
    const deletes = [{ podName: 'agent-old', nodeName: 'node-2', reason: 'failed pod' }];
    expect(daemonSetEvents('kube-system', { delete: deletes }, outcomes)).toEqual([
      {
        type: 'Warning',
        reason: 'FailedDaemonPod',
        action: 'Kill',
        message: 'Found failed daemon pod kube-system/agent-old on node node-2, will try to kill it',
        count: 1,
      },
      { type: 'Normal', reason: 'SuccessfulCreate', action: 'Create', message: 'Created pod: agent-a', count: 1 },
      { type: 'Warning', reason: 'FailedCreate', action: 'Create', message: 'Error creating: pods "agent-b" is forbidden: exceeded quota', count: 1 },
      { type: 'Normal', reason: 'SuccessfulDelete', action: 'Delete', message: 'Deleted pod: agent-old', count: 1 },
    ]);
  });

  it('combines similar events past ten per decision, as upstream’s correlator does', () => {
    const events = daemonSetEvents(
      'ns',
      { delete: [] },
      Array.from({ length: 5_000 }, (_, i) => created(`agent-${i}`)),
    );
    expect(events).toHaveLength(11);
    expect(events[10]).toEqual({
      type: 'Normal',
      reason: 'SuccessfulCreate',
      action: 'Create',
      message: '(combined from similar events): Created pod: agent-10',
      count: 4_990,
    });
  });
});

describe('rolloutEvents', () => {
  const status = (rollout: Record<string, unknown>, conditions: object[] = []) =>
    ({ numberReady: 0, currentNumberScheduled: 0, desiredNumberScheduled: 0, numberMisscheduled: 0, rollout, conditions }) as never;
  it('tells a new revision, a wave change, and a failure-budget stop (a Warning), each once between two decided statuses', () => {
    const a = status({ updateRevision: 'r2', currentWave: 'zone-a', phase: 'Progressing' });
    const b = status({
      updateRevision: 'r2',
      currentWave: 'zone-b',
      phase: 'Progressing',
      stopped: { reason: 'FailureBudgetExceeded', message: '2 of 4 nodes failed' },
    });
    expect(rolloutEvents(undefined, a).map((e) => [e.type, e.reason, e.action])).toEqual([
      ['Normal', 'RolloutStarted', 'Rollout'],
      ['Normal', 'WaveStarted', 'Rollout'],
    ]);
    expect(rolloutEvents(a, b).map((e) => [e.type, e.reason, e.message])).toEqual([
      ['Normal', 'WaveFinished', 'zone-a'],
      ['Normal', 'WaveStarted', 'zone-b'],
      ['Warning', 'FailureBudgetExceeded', '2 of 4 nodes failed'],
    ]);
    expect(rolloutEvents(b, b)).toEqual([]);
  });
});

describe('Events on the simulator', () => {
  it('lists SuccessfulCreate and SuccessfulDelete on the DaemonSet after a rollout, and kubectl describe shows them', async () => {
    const h = await startHarness({ nodes: 3 });
    try {
      await h.cp.applyDaemonSet(agentDaemonSet({ maxUnavailable: 1 }));
      await h.until(() => podsByNode(h.sim).size === 3, 'a pod on every node');
      await h.cp.applyDaemonSet(agentDaemonSet({ maxUnavailable: 1, image: 'agent:2' }));
      await h.until(
        async () =>
          (await h.cp.getDaemonSet(NAMESPACE, 'agent')).status?.updatedNumberScheduled === 3 &&
          h.sim.pods().every((p) => p.spec?.containers[0]?.image === 'agent:2'),
        'the rollout',
      );

      const ds = await h.cp.getDaemonSet(NAMESPACE, 'agent');
      const core = kubeConfigFor({ server: h.sim.url, token: h.sim.token }).makeApiClient(CoreV1Api);
      const { items } = await core.listNamespacedEvent({
        namespace: NAMESPACE,
        fieldSelector: `involvedObject.kind=DaemonSet,involvedObject.name=agent,involvedObject.uid=${ds.metadata!.uid}`,
      });
      const byReason = (reason: string) => items.filter((e) => e.reason === reason).map((e) => e.message);
      expect(byReason('SuccessfulCreate')).toHaveLength(6); // three pods, then their three replacements
      expect(byReason('SuccessfulDelete')).toHaveLength(3);
      expect(items.every((e) => e.reportingComponent === 'daemonset-controller' && e.involvedObject.apiVersion === 'daemonloop.dev/v1alpha1')).toBe(true); // written through events.k8s.io/v1: no deprecated source

      const dir = await mkdtemp(join(tmpdir(), 'dl-events-'));
      await h.sim.writeKubeconfig(join(dir, 'kubeconfig'));
      const { stdout } = await promisify(execFile)('/usr/bin/kubectl', ['describe', 'dlds', 'agent', '-n', NAMESPACE, '--kubeconfig', join(dir, 'kubeconfig')]);
      expect(stdout).toMatch(/^Events:/m);
      expect(stdout).toMatch(/Normal +SuccessfulCreate +.*daemonset-controller +Created pod: agent-/);
      expect(stdout).toMatch(/Normal +SuccessfulDelete +.*daemonset-controller +Deleted pod: agent-/);
    } finally {
      await h.close();
    }
  });

  it('writes events.k8s.io/v1 Events, the rollout’s waves, pause and resume among them, which core/v1, kubectl get and kubectl describe show too', {
    timeout: 300_000,
  }, async () => {
    const ZONE = 'topology.kubernetes.io/zone';
    const h = await startHarness({ nodes: 4 });
    const agent = (image: string, paused = false): V1DaemonSet => ({
      apiVersion: DAEMONSET_API_VERSION,
      kind: 'DaemonSet',
      metadata: { name: 'agent', namespace: NAMESPACE },
      spec: {
        selector: { matchLabels: { app: 'agent' } },
        template: { metadata: { labels: { app: 'agent' } }, spec: { terminationGracePeriodSeconds: 30, containers: [{ name: 'agent', image }] } },
        updateStrategy: {
          type: 'RollingUpdate',
          rollingUpdate: { maxUnavailable: 1, waves: [{ name: 'zones', topologyKey: ZONE, minSuccessSeconds: 60 }] } as never,
        },
        ...(paused ? { paused: true } : {}),
      } as V1DaemonSet['spec'],
    });
    const allOn = (image: string) =>
      [...livePodsByNode(h.sim).values()].filter(
        (pods) => pods.length === 1 && pods[0]!.spec!.containers[0]!.image === image && isAvailable(pods[0]!, 0, h.clock.now()),
      ).length === 4;
    try {
      ['a', 'a', 'b', 'b'].forEach((zone, i) => h.sim.labelNode(`node-${i + 1}`, { [ZONE]: `zone-${zone}` }));
      await h.cp.applyDaemonSet(agent('agent:1'));
      await h.until(() => allOn('agent:1'), 'agent:1 everywhere');
      await h.cp.applyDaemonSet(agent('agent:2'));
      await h.until(
        async () => (await h.cp.getDaemonSet(NAMESPACE, 'agent')).status?.conditions?.some((c) => c.type === 'Progressing') ?? false,
        'the rollout under way',
      );
      await h.cp.applyDaemonSet(agent('agent:2', true));
      await h.until(
        async () => (await h.cp.getDaemonSet(NAMESPACE, 'agent')).status?.conditions?.some((c) => c.type === 'Paused' && c.status === 'True') ?? false,
        'the Paused condition',
      );
      await h.cp.applyDaemonSet(agent('agent:2'));
      await h.until(() => allOn('agent:2'), 'agent:2 everywhere');

      const ds = await h.cp.getDaemonSet(NAMESPACE, 'agent');
      const kc = kubeConfigFor({ server: h.sim.url, token: h.sim.token });
      const { items } = await kc
        .makeApiClient(EventsV1Api)
        .listNamespacedEvent({ namespace: NAMESPACE, fieldSelector: `regarding.name=agent,regarding.uid=${ds.metadata!.uid}` });
      expect(items.length).toBeGreaterThan(0);
      expect(
        items.every(
          (e) => e.reportingController === 'daemonset-controller' && e.reportingInstance === 'daemonloop' && e.regarding?.kind === 'DaemonSet' && e.action,
        ),
      ).toBe(true);
      const reasons = new Set(items.map((e) => e.reason));
      for (const reason of ['SuccessfulCreate', 'SuccessfulDelete', 'RolloutStarted', 'WaveStarted', 'WaveFinished', 'Paused', 'Resumed', 'RolloutComplete'])
        expect(reasons, reason).toContain(reason);
      expect(items.filter((e) => e.reason === 'WaveStarted').map((e) => e.note)).toEqual(expect.arrayContaining(['zones/zone-a', 'zones/zone-b']));

      // The same objects through core/v1: what kubectl describe reads.
      const core = await kc.makeApiClient(CoreV1Api).listNamespacedEvent({ namespace: NAMESPACE, fieldSelector: `involvedObject.uid=${ds.metadata!.uid}` });
      expect(core.items.map((e) => e.metadata.name).sort()).toEqual(items.map((e) => e.metadata!.name).sort());
      const dir = await mkdtemp(join(tmpdir(), 'dl-events-'));
      await h.sim.writeKubeconfig(join(dir, 'kubeconfig'));
      const kubectl = (args: string[]) => promisify(execFile)('/usr/bin/kubectl', [...args, '-n', NAMESPACE, '--kubeconfig', join(dir, 'kubeconfig')]);
      const viaKubectl = JSON.parse((await kubectl(['get', 'events.v1.events.k8s.io', '-o', 'json'])).stdout) as {
        items: { apiVersion?: string; reason: string }[];
      };
      expect(new Set(viaKubectl.items.map((e) => e.reason))).toEqual(reasons);
      const { stdout } = await kubectl(['describe', 'dlds', 'agent']);
      expect(stdout).toMatch(/Normal +WaveStarted +.*daemonset-controller +zones\/zone-b/);
      expect(stdout).toMatch(/Normal +Paused +/);
    } finally {
      await h.close();
    }
  });

  it('refuses an events.k8s.io/v1 Event without what that API requires, naming the fields', async () => {
    const h = await startHarness({ nodes: 1 });
    try {
      const api = kubeConfigFor({ server: h.sim.url, token: h.sim.token }).makeApiClient(EventsV1Api);
      const refused = await api
        .createNamespacedEvent({
          namespace: NAMESPACE,
          body: { metadata: { name: 'x' }, eventTime: new Date(), reason: 'R', type: 'Normal', deprecatedCount: 3 },
        })
        .catch((e: Error) => e);
      expect(String((refused as Error).message)).toMatch(/eventTime.*reportingController.*reportingInstance.*action.*deprecatedCount/s);
    } finally {
      await h.close();
    }
  });

  it('falls back to core/v1 Events where the server does not serve events.k8s.io/v1', async () => {
    const h = await startHarness({ nodes: 1 });
    const served = EVENTS_V1.group;
    EVENTS_V1.group = 'not-served.example'; // the events.k8s.io/v1 paths now answer 404, as on a server without them
    try {
      const kc = kubeConfigFor({ server: h.sim.url, token: h.sim.token });
      const cluster = new KubernetesCluster(kc);
      const regarding = { apiVersion: DAEMONSET_API_VERSION, kind: 'DaemonSet', namespace: NAMESPACE, name: 'agent', uid: 'u1' };
      const event = { type: 'Normal' as const, reason: 'SuccessfulCreate', action: 'Create', message: 'Created pod: agent-x', count: 1 };
      expect(await cluster.recordEvents(regarding, [event, event])).toEqual({ outcome: 'succeeded' });
      const { items } = await kc.makeApiClient(CoreV1Api).listNamespacedEvent({ namespace: NAMESPACE, fieldSelector: 'involvedObject.uid=u1' });
      expect(items.map((e) => [e.reason, e.message, e.source?.component])).toEqual([
        ['SuccessfulCreate', 'Created pod: agent-x', 'daemonset-controller'],
        ['SuccessfulCreate', 'Created pod: agent-x', 'daemonset-controller'],
      ]);
    } finally {
      EVENTS_V1.group = served;
      await h.close();
    }
  });
});

// The Events a decision leaves on its DaemonSet, as upstream's controller records them, and — over
// the simulator's core/v1 Events API — what `kubectl describe dlds` shows after a rollout.
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CoreV1Api } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../../functions/adapters/kubernetes/apply-decision';
import { kubeConfigFor } from '../../../functions/adapters/kubernetes/kubeconfig';
import { daemonSetEvents } from '../../../functions/adapters/kubernetes/daemon-set-events';
import { agentDaemonSet, NAMESPACE, podsByNode, startHarness } from '../../e2e/harness';

const created = (podName: string, outcome: Outcome['outcome'] = 'succeeded', reason?: string): Outcome => ({ action: 'create', podName, nodeName: 'n', outcome, ...(reason ? { reason } : {}) });

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
      { type: 'Warning', reason: 'FailedDaemonPod', message: 'Found failed daemon pod kube-system/agent-old on node node-2, will try to kill it', count: 1 },
      { type: 'Normal', reason: 'SuccessfulCreate', message: 'Created pod: agent-a', count: 1 },
      { type: 'Warning', reason: 'FailedCreate', message: 'Error creating: pods "agent-b" is forbidden: exceeded quota', count: 1 },
      { type: 'Normal', reason: 'SuccessfulDelete', message: 'Deleted pod: agent-old', count: 1 },
    ]);
  });

  it('combines similar events past ten per decision, as upstream’s correlator does', () => {
    const events = daemonSetEvents('ns', { delete: [] }, Array.from({ length: 5_000 }, (_, i) => created(`agent-${i}`)));
    expect(events).toHaveLength(11);
    expect(events[10]).toEqual({ type: 'Normal', reason: 'SuccessfulCreate', message: '(combined from similar events): Created pod: agent-10', count: 4_990 });
  });
});

describe('Events on the simulator', () => {
  it('lists SuccessfulCreate and SuccessfulDelete on the DaemonSet after a rollout, and kubectl describe shows them', async () => {
    const h = await startHarness({ nodes: 3 });
    try {
      await h.cp.applyDaemonSet(agentDaemonSet({ maxUnavailable: 1 }));
      await h.until(() => podsByNode(h.sim).size === 3, 'a pod on every node');
      await h.cp.applyDaemonSet(agentDaemonSet({ maxUnavailable: 1, image: 'agent:2' }));
      await h.until(async () => (await h.cp.getDaemonSet(NAMESPACE, 'agent')).status?.updatedNumberScheduled === 3 && h.sim.pods().every((p) => p.spec?.containers[0]?.image === 'agent:2'), 'the rollout');

      const ds = await h.cp.getDaemonSet(NAMESPACE, 'agent');
      const core = kubeConfigFor({ server: h.sim.url, token: h.sim.token }).makeApiClient(CoreV1Api);
      const { items } = await core.listNamespacedEvent({ namespace: NAMESPACE, fieldSelector: `involvedObject.kind=DaemonSet,involvedObject.name=agent,involvedObject.uid=${ds.metadata!.uid}` });
      const byReason = (reason: string) => items.filter((e) => e.reason === reason).map((e) => e.message);
      expect(byReason('SuccessfulCreate')).toHaveLength(6); // three pods, then their three replacements
      expect(byReason('SuccessfulDelete')).toHaveLength(3);
      expect(items.every((e) => e.source?.component === 'daemonset-controller' && e.involvedObject.apiVersion === 'daemonloop.dev/v1alpha1')).toBe(true);

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
});

// Sections B and C of the scenario catalogue: manage, one sync each, in the upstream unit tests'
// view (creates and deletes take effect at once; the rolling update and status see them).
import type { V1DaemonSetUpdateStrategy } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { BURST_REPLICAS, CONTROLLER_REVISION_HASH_LABEL } from '../../domain/index';
import { aDaemonSet, aNode, aPod, at, counts, createdOn, deleted, hashOf, L, L2, NL, NL2, nodes, NOW, OD, podsOn, RU, run, SU, taint } from './builders';

const strategies: [string, V1DaemonSetUpdateStrategy][] = [
  ['OnDelete', OD],
  ['RollingUpdate', RU(1)],
];
const foreignPod = (nodeName: string, labels?: Record<string, string>) => ({
  metadata: { name: `foreign-${nodeName}`, namespace: 'default', ...(labels ? { labels } : {}) },
  spec: { nodeName, containers: [{ name: 'x' }] },
});

describe.each(strategies)('manage with %s (B)', (_, strategy) => {
  const ds = (o: Parameters<typeof aDaemonSet>[0] = {}) => aDaemonSet({ strategy, ...o });

  it('B1 launches a pod on every node', () => {
    const r = run(ds(), nodes(0, 4));
    expect(createdOn(r)).toEqual(['node-0', 'node-1', 'node-2', 'node-3', 'node-4']);
    expect(r.delete).toEqual([]);
    expect(counts(r)).toBe('D5 C5 M0 R0 A0 U5 Up5');
  });

  it('B2 creates unbound pods aimed at their node by a single matchFields term, owned by the DaemonSet', () => {
    const r = run(ds(), nodes(0, 4));
    for (const { nodeName, pod } of r.create) {
      expect(pod.spec!.nodeName).toBeUndefined();
      expect(pod.spec!.affinity!.nodeAffinity!.requiredDuringSchedulingIgnoredDuringExecution!.nodeSelectorTerms).toEqual([
        { matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] },
      ]);
      expect(pod.metadata!.ownerReferences).toEqual([
        { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'foo', uid: 'U', controller: true, blockOwnerDeletion: true },
      ]);
    }
    expect(new Set(r.create.map((c) => c.nodeName)).size).toBe(5);
  });

  it('B3 does nothing without nodes', () => {
    const r = run(ds(), []);
    expect(r.create).toEqual([]);
    expect(r.delete).toEqual([]);
    expect(counts(r)).toBe('D0 C0 M0 R0 A0 U0 Up0');
  });

  it('B4 launches a pod on the only node', () => {
    expect(createdOn(run(ds(), [aNode('only-node')]))).toEqual(['only-node']);
  });

  it('B5 launches a pod on a NotReady node without taints', () => {
    expect(createdOn(run(ds(), [aNode('not-ready', { conditions: [{ type: 'Ready', status: 'False' }] })]))).toEqual(['not-ready']);
  });

  it('B6 launches a pod on a node with only a NetworkUnavailable condition', () => {
    const node = aNode('network-unavailable', { conditions: [{ type: 'NetworkUnavailable', status: 'True' }] });
    expect(run(ds({ name: 'simple' }), [node]).create).toHaveLength(1);
  });

  it('B7 launches a pod on a node with the not-ready NoExecute taint', () => {
    expect(run(ds(), [aNode('n', { taints: [taint('node.kubernetes.io/not-ready', 'NoExecute')] })]).create).toHaveLength(1);
  });

  it('B8 launches a pod on a node with the unreachable NoExecute taint', () => {
    expect(run(ds(), [aNode('n', { taints: [taint('node.kubernetes.io/unreachable', 'NoExecute')] })]).create).toHaveLength(1);
  });

  it('B9 launches a pod on a node with pressure taints', () => {
    const taints = ['disk-pressure', 'memory-pressure', 'pid-pressure'].map((k) => taint(`node.kubernetes.io/${k}`, 'NoSchedule'));
    expect(run(ds({ namespace: 'kube-system' }), [aNode('n', { taints })]).create).toHaveLength(1);
  });

  it('B10 launches nothing on a NoSchedule-tainted node it does not tolerate', () => {
    const r = run(ds({ name: 'intolerant' }), [aNode('tainted', { taints: [taint('dedicated', 'NoSchedule', 'user1')] })]);
    expect(r.create).toEqual([]);
    expect(counts(r)).toBe('D0 C0 M0 R0 A0 U0 Up0');
  });

  it('B11 launches a pod on a NoSchedule-tainted node it tolerates', () => {
    const tolerant = ds({ podSpec: { tolerations: [{ key: 'dedicated', value: 'user1', effect: 'NoSchedule' }] } });
    expect(run(tolerant, [aNode('tainted', { taints: [taint('dedicated', 'NoSchedule', 'user1')] })]).create).toHaveLength(1);
  });

  it('B12 launches a pod with tolerations on an untainted node', () => {
    const tolerant = ds({ podSpec: { tolerations: [{ key: 'dedicated', value: 'user1', effect: 'NoSchedule' }] } });
    expect(run(tolerant, [aNode('node-0')]).create).toHaveLength(1);
  });

  it('B13 keeps a running pod on a NoSchedule-tainted node', () => {
    const d = ds();
    const r = run(d, [aNode('tainted', { taints: [taint('dedicated', 'NoSchedule', 'user1')] })], [aPod('keep-running-me', 'tainted', d)]);
    expect(r.create).toEqual([]);
    expect(r.delete).toEqual([]);
    expect(counts(r)).toBe('D0 C0 M1 R0 A0 U0 Up0');
  });

  it('B14 deletes a running pod from a NoExecute-tainted node', () => {
    const d = ds();
    const r = run(d, [aNode('tainted', { taints: [taint('dedicated', 'NoExecute', 'user1')] })], [aPod('stop-running-me', 'tainted', d)]);
    expect(deleted(r)).toEqual(['stop-running-me']);
    expect(r.create).toEqual([]);
    expect(counts(r)).toBe('D0 C0 M0 R0 A0 U0 Up0');
  });

  it('B15 creates nothing while the pod on the node is terminating', () => {
    const d = ds();
    const r = run(d, [aNode('node-0', { labels: NL })], [aPod('p', 'node-0', d, { deleting: NOW })]);
    expect(r.create).toEqual([]);
    expect(r.delete).toEqual([]);
    expect(counts(r)).toBe('D1 C1 M0 R0 A0 U1 Up1');
    expect(r.waits).toContainEqual(expect.objectContaining({ nodeName: 'node-0', reason: expect.stringMatching(/^terminating pod/) }));
  });

  it('B16 does not count a foreign pod with the same spec as a daemon pod', () => {
    const d = ds({
      podSpec: { nodeName: 'too-much-mem', containers: [{ name: 'foo', image: 'foo/bar', resources: { requests: { memory: '75M', cpu: '75m' } } }] },
    });
    const r = run(d, [aNode('too-much-mem')], [foreignPod('too-much-mem')]);
    expect(createdOn(r)).toEqual(['too-much-mem']);
    expect(r.create[0]!.pod.spec!.nodeName).toBe('too-much-mem'); // bound at creation: the template names the node
  });

  it('B17 launches only on nodes the selector picks, whatever their resources', () => {
    const d = ds({ podSpec: { nodeSelector: NL } });
    const r = run(d, [aNode('not-enough-resource'), aNode('enough-resource', { labels: NL })]);
    expect(createdOn(r)).toEqual(['enough-resource']);
  });

  it('B18 keeps its own pod that uses a host port', () => {
    const d = ds({ podSpec: { nodeName: 'port-conflict', containers: [{ name: 'foo', image: 'foo/bar', ports: [{ containerPort: 666, hostPort: 666 }] }] } });
    const r = run(d, [aNode('port-conflict')], [aPod('p', 'port-conflict', d)]);
    expect(r.create).toEqual([]);
    expect(r.delete).toEqual([]);
    expect(counts(r)).toMatch(/^D1 C1 .* Up1$/);
  });

  it('B19 is not blocked by a foreign pod using another host port', () => {
    const d = ds({
      podSpec: { nodeName: 'no-port-conflict', containers: [{ name: 'foo', image: 'foo/bar', ports: [{ containerPort: 6662, hostPort: 6662 }] }] },
    });
    expect(run(d, [aNode('no-port-conflict')], [foreignPod('no-port-conflict')]).create).toHaveLength(1);
  });

  it('B20 refuses an empty selector: no pod touched, the error named in status', () => {
    const d = ds({ selector: {}, podSpec: { nodeSelector: { foo: 'bar' } } });
    const r = run(d, [aNode('node1')], [foreignPod('node1', { bang: 'boom' })]);
    expect(r.create).toEqual([]);
    expect(r.delete).toEqual([]);
    expect(r.adopt).toEqual([]);
    expect(r.status.conditions).toEqual([
      expect.objectContaining({
        type: 'InvalidSpec',
        status: 'True',
        message: expect.stringContaining('spec.selector: empty selector is invalid for daemonset'),
      }),
    ]);
  });

  it('B21 does nothing for a DaemonSet being deleted, and leaves its status alone', () => {
    const d = ds({ deletionTimestamp: NOW, status: { currentNumberScheduled: 3, desiredNumberScheduled: 3, numberMisscheduled: 0, numberReady: 1 } });
    const r = run(d, [aNode('not-too-much-mem')], [foreignPod('not-too-much-mem')]);
    expect([r.create, r.delete, r.adopt, r.release]).toEqual([[], [], [], []]);
    expect(r.status).toEqual(d.status);
  });

  it('B22 adopts no orphan for a DaemonSet being deleted', () => {
    // Upstream sees the deletion only through a fresh read before adopting; our input is that read.
    const d = ds({ deletionTimestamp: NOW });
    const r = run(d, nodes(0, 4), [aPod('pod1-a', 'node-0', d, { owner: null, hash: null })]);
    expect([r.create, r.delete, r.adopt, r.release]).toEqual([[], [], [], []]);
  });

  it('B23 releases pods that stopped matching and keeps the first of duplicates', () => {
    const d = ds();
    const pods = [...podsOn('node-1', 1, d), ...podsOn('node-2', 2, d), ...podsOn('node-3', 5, d), ...podsOn('node-4', 2, d, { labels: L2 })];
    const r = run(d, nodes(0, 4), pods);
    expect(r.release.map((c) => c.podName).sort()).toEqual(['node-4-l2-0', 'node-4-l2-1']);
    expect(createdOn(r)).toEqual(['node-0', 'node-4']);
    expect(deleted(r)).toEqual(['node-2-1', 'node-3-1', 'node-3-2', 'node-3-3', 'node-3-4']);
    expect(counts(r)).toBe('D5 C5 M0 R0 A0 U5 Up5');
  });

  it('B24 launches on the nodes the nodeSelector matches', () => {
    const r = run(ds({ podSpec: { nodeSelector: NL } }), [...nodes(0, 3), ...nodes(4, 6, { labels: NL })]);
    expect(createdOn(r)).toEqual(['node-4', 'node-5', 'node-6']);
    expect(counts(r)).toMatch(/^D3 C3 .* Up3$/);
  });

  it('B25 deletes pods on unselected nodes', () => {
    const d = ds({ podSpec: { nodeSelector: NL } });
    const pods = [...podsOn('node-0', 2, d, { labels: L2 }), ...podsOn('node-1', 3, d), ...podsOn('node-1', 1, d, { labels: L2 }), ...podsOn('node-4', 1, d)];
    const r = run(d, [...nodes(0, 4), ...nodes(5, 9, { labels: NL })], pods);
    expect(r.release).toHaveLength(3);
    expect(createdOn(r)).toEqual(['node-5', 'node-6', 'node-7', 'node-8', 'node-9']);
    expect(deleted(r)).toEqual(['node-1-0', 'node-1-1', 'node-1-2', 'node-4-0']);
    expect(counts(r)).toMatch(/^D5 C5 M0 .* Up5$/);
  });

  it('B26 deals with a mix of existing pods under a nodeSelector', () => {
    const d = ds({ podSpec: { nodeSelector: NL } });
    const pods = [
      ...podsOn('node-0', 1, d),
      ...podsOn('node-1', 3, d),
      ...podsOn('node-1', 2, d, { labels: L2 }),
      ...podsOn('node-2', 4, d),
      ...podsOn('node-6', 13, d),
      ...podsOn('node-7', 4, d, { labels: L2 }),
      ...podsOn('node-9', 1, d),
      ...podsOn('node-9', 1, d, { labels: L2 }),
    ];
    const r = run(d, [...nodes(0, 4), ...nodes(5, 9, { labels: NL })], pods);
    expect(createdOn(r)).toEqual(['node-5', 'node-7', 'node-8']);
    expect(r.delete).toHaveLength(20);
    expect(r.delete.filter((x) => x.nodeName === 'node-6')).toHaveLength(12);
    expect(deleted(r)).not.toContain('node-6-0'); // the oldest (equal times: smallest name) stays
    expect(r.release).toHaveLength(7);
    expect(counts(r)).toMatch(/^D5 C5 M0 .* Up5$/);
  });

  it('B27 does nothing when the nodeSelector matches no node', () => {
    const r = run(ds({ podSpec: { nodeSelector: NL2 } }), [...nodes(0, 3), ...nodes(4, 6, { labels: NL })]);
    expect(r.create).toEqual([]);
    expect(r.status.desiredNumberScheduled).toBe(0);
  });

  it('B28 launches only on the node the template names, bound at creation', () => {
    const r = run(ds({ podSpec: { nodeName: 'node-0' } }), nodes(0, 4));
    expect(createdOn(r)).toEqual(['node-0']);
    expect(r.create[0]!.pod.spec!.nodeName).toBe('node-0');
  });

  it('B29 does nothing when the template names a missing node', () => {
    expect(run(ds({ podSpec: { nodeName: 'node-10' } }), nodes(0, 4)).create).toEqual([]);
  });

  it('B30 launches where nodeName and nodeSelector agree', () => {
    const r = run(ds({ podSpec: { nodeName: 'node-6', nodeSelector: NL } }), [...nodes(0, 3), ...nodes(4, 6, { labels: NL })]);
    expect(createdOn(r)).toEqual(['node-6']);
  });

  it('B31 does nothing where nodeName and nodeSelector disagree', () => {
    expect(run(ds({ podSpec: { nodeName: 'node-0', nodeSelector: NL } }), [...nodes(0, 3), ...nodes(4, 6, { labels: NL })]).create).toEqual([]);
  });

  it('B32 launches on the nodes the required node affinity matches', () => {
    const d = ds({
      podSpec: {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'color', operator: 'In', values: ['blue'] }] }] },
          },
        },
      },
    });
    expect(createdOn(run(d, [...nodes(0, 3), ...nodes(4, 6, { labels: NL })]))).toEqual(['node-4', 'node-5', 'node-6']);
  });

  it('B33 counts ready pods', () => {
    const d = ds();
    const two = nodes(0, 1, { labels: NL });
    const first = run(d, two, [aPod('a', 'node-0', d), aPod('b', 'node-1', d)]);
    expect([first.create, first.delete]).toEqual([[], []]);
    expect(counts(first)).toBe('D2 C2 M0 R0 A0 U2 Up2');
    const second = run(d, two, [aPod('a', 'node-0', d, { ready: true }), aPod('b', 'node-1', d, { ready: true })]);
    expect(counts(second)).toBe('D2 C2 M0 R2 A2 U0 Up2');
  });

  it('B34 reports the observed generation', () => {
    const d = ds({ generation: 1 });
    const r = run(d, [aNode('node-0', { labels: NL })], [aPod('p', 'node-0', d)]);
    expect([r.create, r.delete]).toEqual([[], []]);
    expect(r.status.observedGeneration).toBe(1);
  });

  it('B35 leaves a running pod alone', () => {
    const d = ds();
    const r = run(d, [aNode('node-0')], [aPod('p', 'node-0', d)]);
    expect([r.create, r.delete]).toEqual([[], []]);
  });

  it('B36 creates a pod on a node without one', () => {
    expect(createdOn(run(ds(), [aNode('node-0')]))).toEqual(['node-0']);
  });

  it('B37 deletes a failed pod, starts its backoff, and replaces it only in a later sync', () => {
    const d = ds();
    const r = run(d, [aNode('node-0')], [aPod('failed', 'node-0', d, { phase: 'Failed' })]);
    expect(deleted(r)).toEqual(['failed']);
    expect(r.create).toEqual([]);
    expect(r.failedPodBackoff).toEqual({ 'U/0/node-0': { delaySeconds: 1, since: NOW } });
    expect(counts(r)).toBe('D1 C0 M0 R0 A0 U1 Up0');
    expect(r.delete[0]!.reason).toMatch(/failed/);
  });

  it('B38 deletes a failed pod and the duplicates beside the oldest running one', () => {
    const d = ds();
    const pods = [
      aPod('failed', 'node-0', d, { phase: 'Failed' }),
      aPod('r-a', 'node-0', d, { created: at(1) }),
      aPod('r-b', 'node-0', d, { created: at(2) }),
      aPod('r-c', 'node-0', d, { created: at(3) }),
    ];
    const r = run(d, [aNode('node-0')], pods);
    expect(deleted(r)).toEqual(['failed', 'r-b', 'r-c']);
    expect(r.create).toEqual([]);
  });

  it('B39 backs off deleting failed pods on a node: 1 s, then 2 s', () => {
    const d = ds();
    const failed = [aPod('failed', 'node-0', d, { phase: 'Failed' })];
    const t0 = NOW.getTime();
    const step1 = run(d, [aNode('node-0')], failed, { now: new Date(t0) });
    expect(deleted(step1)).toEqual(['failed']);
    expect(step1.failedPodBackoff['U/0/node-0']).toEqual({ delaySeconds: 1, since: new Date(t0) });

    const step2 = run(d, [aNode('node-0')], failed, { now: new Date(t0), failedPodBackoff: step1.failedPodBackoff });
    expect(step2.delete).toEqual([]);
    expect(step2.requeueAfterSeconds).toBe(1);
    expect(step2.failedPodBackoff).toEqual(step1.failedPodBackoff);
    expect(step2.waits).toContainEqual(expect.objectContaining({ nodeName: 'node-0', reason: expect.stringMatching(/^failed-pod backoff/) }));

    const almost = run(d, [aNode('node-0')], failed, { now: new Date(t0 + 999), failedPodBackoff: step1.failedPodBackoff });
    expect(almost.delete).toEqual([]);

    const step3 = run(d, [aNode('node-0')], failed, { now: new Date(t0 + 1000), failedPodBackoff: step1.failedPodBackoff });
    expect(deleted(step3)).toEqual(['failed']);
    expect(step3.failedPodBackoff['U/0/node-0']).toEqual({ delaySeconds: 2, since: new Date(t0 + 1000) });
  });

  it('B40 deletes an unscheduled pod aimed at a missing node but not a pod bound to one', () => {
    const d = ds();
    const pods = [aPod('p0', 'node-0', d), aPod('p1', 'node-1', d), aPod('pod1-node-3', 'node-2', d, { bound: false })];
    const r = run(d, [aNode('node-0')], pods);
    expect(deleted(r)).toEqual(['pod1-node-3']);
    expect(r.create).toEqual([]);
    expect(counts(r)).toMatch(/^D1 C1 M0 .* Up1$/);
  });

  it('B40 deletes unscheduled pods aimed at missing nodes in node-name order, whatever the order of the input pods (§6.5, deviation 4)', () => {
    const d = ds();
    const aimedAt = (node: string) => aPod(`p-${node}`, node, d, { bound: false });
    const forward = run(d, [aNode('node-0')], ['gone-a', 'gone-b', 'gone-c'].map(aimedAt));
    const backward = run(d, [aNode('node-0')], ['gone-c', 'gone-b', 'gone-a'].map(aimedAt));
    expect(forward.delete.map((x) => x.podName)).toEqual(['p-gone-a', 'p-gone-b', 'p-gone-c']);
    expect(backward.delete).toEqual(forward.delete);
  });

  it('B41 adopts matching orphans and skips terminal pods being deleted', () => {
    const d = ds();
    const foo2 = 'U2';
    const pods = [
      aPod('owned-0', 'node-0', d),
      aPod('owned-1', 'node-1', d),
      aPod('orphan-0', 'node-0', d, { owner: null }),
      aPod('orphan-1', 'node-1', d, { owner: null }),
      aPod('succeeded-0', 'node-0', d, { phase: 'Succeeded' }),
      aPod('failed-1', 'node-1', d, { phase: 'Failed' }),
      aPod('l2-0', 'node-0', d, { labels: L2 }),
      aPod('orphan-l2-1', 'node-1', d, { labels: L2, owner: null }),
      aPod('foo2-0', 'node-0', d, { owner: foo2 }),
      aPod('deleted-succeeded-0', 'node-0', d, { phase: 'Succeeded', deleting: NOW }),
      aPod('deleted-failed-1', 'node-1', d, { phase: 'Failed', deleting: NOW }),
    ];
    const r = run(d, nodes(0, 1), pods);
    expect(r.adopt.map((c) => c.podName).sort()).toEqual(['orphan-0', 'orphan-1']);
    expect(r.adopt[0]!.podUid).toMatch(/^uid-orphan/);
    expect(r.release.map((c) => c.podName)).toEqual(['l2-0']);
    // manage acts on exactly the grouped pods: terminal ones and, of equal age, all but the smallest name.
    expect(deleted(r)).toEqual(['failed-1', 'owned-0', 'owned-1', 'succeeded-0']);
    expect(r.create).toEqual([]);
  });

  it('B43 creates at most 250 pods per pass, in node order, and says how many wait', () => {
    const many = nodes(0, 299);
    const r = run(ds(), many);
    expect(r.create).toHaveLength(BURST_REPLICAS);
    expect(r.create.map((c) => c.nodeName)).toEqual(many.slice(0, 250).map((n) => n.metadata!.name));
    expect(r.waits).toContainEqual({ reason: expect.stringMatching(/^burst limit: 50 creates deferred/) });
    expect(counts(r)).toMatch(/^D300 C250 /);
  });

  it('B43 deletes at most 250 pods per pass', () => {
    const d = ds();
    const r = run(d, [aNode('node-0')], podsOn('node-0', 300, d));
    expect(r.delete).toHaveLength(BURST_REPLICAS);
    expect(r.waits).toContainEqual({ reason: expect.stringMatching(/^burst limit: 49 deletes deferred/) });
  });

  it('B44 reports the created pods as scheduled in the same sync', () => {
    const r = run(ds(), nodes(0, 4));
    expect(r.create).toHaveLength(5);
    expect(r.status.currentNumberScheduled).toBe(5);
  });

  it("B47 creates nothing once its pod is seen, and a re-created DaemonSet ignores the old one's pods", () => {
    const first = run(ds({ name: 'test' }), [aNode('master-0')]);
    expect(first.create).toHaveLength(1);
    const seen = { ...first.create[0]!.pod, spec: { ...first.create[0]!.pod.spec!, nodeName: 'master-0' } };
    expect(run(ds({ name: 'test' }), [aNode('master-0')], [seen]).create).toEqual([]);
    expect(run(ds({ name: 'test', uid: 'U-new' }), [aNode('master-0')], [seen]).create).toHaveLength(1);
  });
});

describe('manage with surge (C)', () => {
  const ds = (o: Parameters<typeof aDaemonSet>[0] = {}) => aDaemonSet({ strategy: SU(1), ...o });

  it('C1 deletes surplus new pods and releases pods that stopped matching', () => {
    const d = ds();
    const pods = [...podsOn('node-1', 1, d), ...podsOn('node-2', 2, d), ...podsOn('node-3', 5, d), ...podsOn('node-4', 2, d, { labels: L2 })];
    const r = run(d, nodes(0, 4), pods);
    expect(createdOn(r)).toEqual(['node-0', 'node-4']);
    expect(deleted(r)).toEqual(['node-2-1', 'node-3-1', 'node-3-2', 'node-3-3', 'node-3-4']);
    expect(r.release).toHaveLength(2);
    expect(counts(r)).toBe('D5 C5 M0 R0 A0 U5 Up5');
  });

  it('C2 keeps the oldest Ready old pod next to an unavailable new pod', () => {
    const d = ds();
    const pods = [
      aPod('A', 'node-1', d, { created: at(100) }),
      aPod('B', 'node-1', d, { hash: null, created: at(50), ready: true }),
      aPod('C', 'node-1', d, { hash: null, created: at(60), ready: true }),
      aPod('n2', 'node-2', d),
    ];
    const r = run(d, nodes(0, 4), pods);
    expect(createdOn(r)).toEqual(['node-0', 'node-3', 'node-4']);
    expect(deleted(r)).toEqual(['C']);
    expect(counts(r)).toBe('D5 C5 M0 R1 A1 U4 Up4');
  });

  it('C3 creates a new pod on a node whose only pod is terminating, beyond the surge budget', () => {
    const d = ds();
    const pods = [
      aPod('new-0', 'node-0', d, { created: at(100), unready: true }),
      aPod('old-0', 'node-0', d, { hash: null, created: at(50), ready: true }),
      ...[1, 2, 3].map((i) => aPod(`old-${i}`, `node-${i}`, d, { hash: null, created: at(1), ready: true })),
      aPod('old-4', 'node-4', d, { hash: null, created: at(1), ready: true, deleting: at(31) }),
    ];
    const r = run(d, nodes(0, 4), pods);
    expect(createdOn(r)).toEqual(['node-4']);
    expect(r.delete).toEqual([]);
    expect(counts(r)).toBe('D5 C5 M0 R5 A5 U0 Up0');
    expect(r.waits.filter((w) => w.reason.startsWith('budget exhausted')).map((w) => w.nodeName)).toEqual(['node-1', 'node-2', 'node-3']);
  });

  it('C4 deletes the unready oldest old pod and the surplus old pod', () => {
    const d = ds();
    const pods = [
      aPod('A', 'node-1', d, { created: at(100) }),
      aPod('old-unready', 'node-1', d, { hash: null, created: at(50), unready: true }),
      aPod('old-ready', 'node-1', d, { hash: null, created: at(60), ready: true }),
      aPod('n2', 'node-2', d),
    ];
    const r = run(d, nodes(0, 4), pods);
    expect(createdOn(r)).toEqual(['node-0', 'node-3', 'node-4']);
    expect(deleted(r)).toEqual(['old-ready', 'old-unready']);
    expect(counts(r)).toBe('D5 C5 M0 R0 A0 U5 Up5');
  });

  const minReadyPods = (d: ReturnType<typeof ds>) => [
    aPod('A', 'node-1', d, { created: at(100), ready: at(50) }),
    aPod('old-ready', 'node-1', d, { hash: null, created: at(50), ready: true }),
    aPod('old-excess', 'node-1', d, { hash: null, created: at(60), ready: true }),
    aPod('n2', 'node-2', d),
  ];

  it('C5 keeps the old Ready pod while the new one waits for minReadySeconds, and wakes when it is due', () => {
    const d = ds({ minReadySeconds: 15 });
    const r = run(d, nodes(0, 4), minReadyPods(d), { now: at(60) });
    expect(createdOn(r)).toEqual(['node-0', 'node-3', 'node-4']);
    expect(deleted(r)).toEqual(['old-excess']);
    expect(counts(r)).toBe('D5 C5 M0 R1 A0 U5 Up4');
    // Upstream requeues after the full 15 s; A becomes available at 65, 5 s from now.
    expect(r.requeueAfterSeconds).toBe(5);
    expect(r.waits).toContainEqual({ nodeName: 'node-1', reason: 'waiting for minReadySeconds: available in 5s' });
  });

  it('C6 retires the old pod once the new one has been Ready for minReadySeconds', () => {
    const d = ds({ minReadySeconds: 15 });
    const r = run(d, nodes(0, 4), minReadyPods(d), { now: at(70) });
    expect(createdOn(r)).toEqual(['node-0', 'node-3', 'node-4']);
    expect(deleted(r)).toEqual(['old-excess', 'old-ready']);
    expect(counts(r)).toBe('D5 C5 M0 R1 A1 U4 Up5');
    expect(r.requeueAfterSeconds).toBeUndefined();
  });
});

describe('manage details', () => {
  it('deletes a succeeded pod at once, without backoff', () => {
    const d = aDaemonSet();
    const r = run(d, [aNode('node-0')], [aPod('done', 'node-0', d, { phase: 'Succeeded' })]);
    expect(deleted(r)).toEqual(['done']);
    expect(r.failedPodBackoff).toEqual({});
  });

  it('replaces a succeeded pod held by a finalizer at once: a deleted terminal pod is invisible', () => {
    const d = aDaemonSet();
    const held = aPod('done', 'node-0', d, { phase: 'Succeeded', deleting: NOW });
    const r = run(d, [aNode('node-0')], [held]);
    expect(createdOn(r)).toEqual(['node-0']);
    expect(r.create[0]!.pod.metadata!.name).not.toBe('done');
  });

  it('deletes at most one failed pod per node per backoff window', () => {
    const d = aDaemonSet();
    const r = run(d, [aNode('node-0')], [aPod('f1', 'node-0', d, { phase: 'Failed' }), aPod('f2', 'node-0', d, { phase: 'Failed' })]);
    expect(deleted(r)).toEqual(['f1']);
    expect(r.requeueAfterSeconds).toBe(1);
  });

  it('doubles the backoff up to 15 minutes and forgets it after 30 minutes', () => {
    const d = aDaemonSet();
    const failed = [aPod('f', 'node-0', d, { phase: 'Failed' })];
    const since = new Date(NOW.getTime() - 900_000);
    const capped = run(d, [aNode('node-0')], failed, { failedPodBackoff: { 'U/0/node-0': { delaySeconds: 600, since } } });
    expect(capped.failedPodBackoff['U/0/node-0']!.delaySeconds).toBe(900);
    const old = new Date(NOW.getTime() - 1_800_001);
    const expired = run(d, [aNode('node-0')], failed, {
      failedPodBackoff: { 'U/0/node-0': { delaySeconds: 900, since: old }, 'U/0/node-9': { delaySeconds: 4, since: old } },
    });
    expect(expired.failedPodBackoff).toEqual({ 'U/0/node-0': { delaySeconds: 1, since: NOW } });
  });

  it('starts the backoff afresh for a newly observed generation', () => {
    const d = aDaemonSet({ status: { observedGeneration: 2 } as never });
    const r = run(d, [aNode('node-0')], [aPod('f', 'node-0', d, { phase: 'Failed' })], { failedPodBackoff: { 'U/1/node-0': { delaySeconds: 8, since: NOW } } });
    expect(deleted(r)).toEqual(['f']);
    expect(r.failedPodBackoff['U/2/node-0']).toEqual({ delaySeconds: 1, since: NOW });
  });

  it('reads timestamps that crossed JSON as strings', () => {
    const d = aDaemonSet();
    const failed = [aPod('f', 'node-0', d, { phase: 'Failed' })];
    const table = JSON.parse(JSON.stringify({ 'U/0/node-0': { delaySeconds: 4, since: NOW } }));
    expect(run(d, [aNode('node-0')], failed, { failedPodBackoff: table }).delete).toEqual([]);
  });

  it('deletes pods in any phase from a node that no longer qualifies, but not terminating ones', () => {
    const d = aDaemonSet({ podSpec: { nodeSelector: NL } });
    const pods = [aPod('f', 'node-0', d, { phase: 'Failed' }), aPod('r', 'node-0', d), aPod('t', 'node-0', d, { deleting: NOW })];
    const r = run(d, [aNode('node-0')], pods);
    expect(deleted(r)).toEqual(['f', 'r']);
    expect(r.failedPodBackoff).toEqual({});
  });

  it('keeps the bound pod over an older unbound one', () => {
    const d = aDaemonSet();
    const r = run(d, [aNode('node-0')], [aPod('unbound', 'node-0', d, { bound: false, created: at(1) }), aPod('bound', 'node-0', d, { created: at(9) })]);
    expect(deleted(r)).toEqual(['unbound']);
  });

  it('keeps the oldest duplicate regardless of revision without surge', () => {
    const d = aDaemonSet({ strategy: OD });
    const r = run(d, [aNode('node-0')], [aPod('new', 'node-0', d, { created: at(9) }), aPod('old', 'node-0', d, { hash: 'other', created: at(1) })]);
    expect(deleted(r)).toEqual(['new']);
  });

  it('ignores pods of other namespaces and pods owned by other controllers', () => {
    const d = aDaemonSet();
    const elsewhere = aPod('elsewhere', 'node-0', d);
    elsewhere.metadata!.namespace = 'other';
    const r = run(d, [aNode('node-0')], [elsewhere, aPod('theirs', 'node-0', d, { owner: 'X' })]);
    expect(createdOn(r)).toEqual(['node-0']);
    expect([r.delete, r.adopt, r.release]).toEqual([[], [], []]);
  });

  it('does not adopt an orphan that is being deleted', () => {
    const d = aDaemonSet();
    const r = run(d, [aNode('node-0')], [aPod('o', 'node-0', d, { owner: null, deleting: NOW })]);
    expect(r.adopt).toEqual([]);
    expect(createdOn(r)).toEqual(['node-0']);
  });

  it('labels created pods with the current hash', () => {
    const d = aDaemonSet();
    const r = run(d, [aNode('node-0')]);
    expect(r.create[0]!.pod.metadata!.labels).toEqual({ ...L, [CONTROLLER_REVISION_HASH_LABEL]: hashOf(d) });
  });
});

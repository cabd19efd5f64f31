// Section F of the scenario catalogue (util/daemonset_util.go) and our deterministic pod names.
import type { V1Affinity, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { daemonPodTolerations, newDaemonPod, replaceNodeNameNodeAffinity } from '../../domain/daemon-pod';
import { CONTROLLER_REVISION_HASH_LABEL, daemonPodName, isPodUpdated, podTargetNodeName, POD_TEMPLATE_GENERATION_LABEL } from '../../domain/index';
import { aDaemonSet, aNode, L, run } from './builders';

describe('IsPodUpdated (F1)', () => {
  const full = { [POD_TEMPLATE_GENERATION_LABEL]: '12345', [CONTROLLER_REVISION_HASH_LABEL]: '55555' };
  const noHash = { [POD_TEMPLATE_GENERATION_LABEL]: '12345' };
  const pod = (labels?: Record<string, string>): V1Pod => ({ metadata: { name: 'p', ...(labels ? { labels } : {}) } });
  it.each([
    ['generation and hash match', 12345, full, '55555', true],
    ["generation matches, hash doesn't", 12345, full, '55555123', true],
    ['generation matches, no hash label', 12345, noHash, '55555', true],
    ['generation matches, no hash label, empty hash', 12345, noHash, '', true],
    ['generation matches, empty hash arg', 12345, full, '', true],
    ["generation doesn't match, hash does", 12350, full, '55555', true],
    ['neither matches', 12350, full, '55555123', false],
    ['empty labels, empty hash', 12345, {}, '', false],
    ['empty labels', 12345, {}, '55555', false],
    ['nil labels', 12345, undefined, '55555', false],
  ])('F1 %s', (_, generation, labels, hash, expected) => {
    expect(isPodUpdated(pod(labels), hash, generation)).toBe(expected);
  });

  it('F1 without a template generation compares the hash label only', () => {
    expect(isPodUpdated(pod(full), '55555', undefined)).toBe(true);
    expect(isPodUpdated(pod(noHash), '55555', undefined)).toBe(false);
  });
});

describe('CreatePodTemplate (F2)', () => {
  const ds = aDaemonSet();
  it('F2 labels a pod with the generation and no hash label when the hash is empty', () => {
    expect(newDaemonPod(ds, 'n1', '', 1, 'p').metadata!.labels).toEqual({ ...L, [POD_TEMPLATE_GENERATION_LABEL]: '1' });
  });

  it('F2 labels a pod with the generation and the hash', () => {
    expect(newDaemonPod(ds, 'n1', '3242341807', 2, 'p').metadata!.labels).toEqual({
      ...L,
      [POD_TEMPLATE_GENERATION_LABEL]: '2',
      [CONTROLLER_REVISION_HASH_LABEL]: '3242341807',
    });
  });

  it('sets namespace, restartPolicy Always, and template annotations, leaving the DaemonSet untouched', () => {
    const withNotes = aDaemonSet({ namespace: 'kube-system', podSpec: { restartPolicy: undefined } });
    withNotes.spec!.template.metadata!.annotations = { note: 'x' };
    const before = structuredClone(withNotes);
    const pod = newDaemonPod(withNotes, 'n1', 'h', undefined, 'p');
    expect(pod.metadata).toMatchObject({ name: 'p', namespace: 'kube-system', annotations: { note: 'x' } });
    expect(pod.spec!.restartPolicy).toBe('Always');
    expect(withNotes).toEqual(before);
  });

  it('takes the owner apiVersion and kind from the DaemonSet object, apps/v1 by default', () => {
    const custom = { ...aDaemonSet(), apiVersion: 'daemonloop.dev/v1alpha1', kind: 'DaemonSet' };
    expect(newDaemonPod(custom, 'n1', 'h', undefined, 'p').metadata!.ownerReferences![0]).toMatchObject({
      apiVersion: 'daemonloop.dev/v1alpha1',
      kind: 'DaemonSet',
      uid: 'U',
      controller: true,
      blockOwnerDeletion: true,
    });
    const bare = { ...aDaemonSet(), apiVersion: undefined, kind: undefined };
    expect(newDaemonPod(bare, 'n1', 'h', undefined, 'p').metadata!.ownerReferences![0]).toMatchObject({ apiVersion: 'apps/v1', kind: 'DaemonSet' });
  });
});

describe('ReplaceDaemonSetPodNodeNameNodeAffinity (F3)', () => {
  const T = (x: string) => ({ matchFields: [{ key: 'metadata.name', operator: 'In', values: [x] }] });
  const required = (...nodeSelectorTerms: object[]): V1Affinity => ({
    nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms } },
  });
  const hostname = { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['host_1'] }] };

  it('F3a F3e sets the single name term on a pod without affinity', () => {
    expect(replaceNodeNameNodeAffinity(undefined, 'host_1')).toEqual(required(T('host_1')));
  });
  it('F3b drops the user expressions', () => {
    expect(replaceNodeNameNodeAffinity(required(hostname), 'host_1')).toEqual(required(T('host_1')));
  });
  it('F3c keeps preferred terms and adds the required one', () => {
    const preferred = [{ weight: 1, preference: hostname }];
    expect(replaceNodeNameNodeAffinity({ nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: preferred } }, 'host_1')).toEqual({
      nodeAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: preferred,
        requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [T('host_1')] },
      },
    });
  });
  it('F3d F3f F3g F3h replaces any required terms with the name term', () => {
    for (const terms of [
      [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['host_1', 'host_2'] }] }],
      [hostname, T('host_2')],
      [{ matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['host_2'] }] }],
      [{ matchFields: [{ key: 'metadata.foo', operator: 'In', values: ['bar'] }] }],
    ]) {
      expect(replaceNodeNameNodeAffinity(required(...terms), 'host_1')).toEqual(required(T('host_1')));
    }
  });
  it('keeps pod (anti-)affinity', () => {
    const podAffinity = { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'zone' }] };
    expect(replaceNodeNameNodeAffinity({ podAffinity }, 'h')).toEqual({ podAffinity, ...required(T('h')) });
  });
});

describe('GetTargetNodeName (F4)', () => {
  const byAffinity = (values: string[]): V1Pod => ({
    spec: {
      containers: [],
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values }] }] },
        },
      },
    },
  });
  it('F4a reads spec.nodeName', () => expect(podTargetNodeName({ spec: { nodeName: 'node-1', containers: [] } })).toBe('node-1'));
  it('F4b reads the name term of the required node affinity', () => expect(podTargetNodeName(byAffinity(['node-1']))).toBe('node-1'));
  it('F4c finds no node in a name term with two values', () => expect(podTargetNodeName(byAffinity(['node-1', 'node-2']))).toBeUndefined());
  it('F4d finds no node in an empty spec', () => expect(podTargetNodeName({ spec: { containers: [] } })).toBeUndefined());
});

describe('daemon tolerations (F5, F6)', () => {
  const defaults = [
    'not-ready:NoExecute',
    'unreachable:NoExecute',
    'disk-pressure:NoSchedule',
    'memory-pressure:NoSchedule',
    'pid-pressure:NoSchedule',
    'unschedulable:NoSchedule',
  ].map((s) => {
    const [key, effect] = s.split(':');
    return { key: `node.kubernetes.io/${key}`, operator: 'Exists', effect };
  });

  it('F5 appends the default tolerations after the template ones, in order', () => {
    const template = [
      { key: 'zone-y', operator: 'Exists' },
      { key: 'zone-common', operator: 'Exists' },
    ];
    expect(daemonPodTolerations({ containers: [], tolerations: template, hostNetwork: false })).toEqual([...template, ...defaults]);
    const ds = aDaemonSet({ podSpec: { tolerations: template } });
    expect(run(ds, [aNode('n1')]).create[0]!.pod.spec!.tolerations).toEqual([...template, ...defaults]);
  });

  it('F5 adds network-unavailable for host-network pods', () => {
    expect(daemonPodTolerations({ containers: [], hostNetwork: true })).toEqual([
      ...defaults,
      { key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' },
    ]);
  });

  it('F6 replaces a user toleration equal to a default in place, dropping its tolerationSeconds', () => {
    const user = { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 };
    expect(daemonPodTolerations({ containers: [], tolerations: [user] })).toEqual(defaults);
  });
});

describe('daemon tolerations with repeated user entries (§4.1 AddOrUpdateTolerationInPodSpec)', () => {
  const notReady = { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' };
  const others = daemonPodTolerations({ containers: [] }).slice(1);

  it('§4.1 replaces every matching user toleration that differs from the default, not only the first', () => {
    const user = [
      { ...notReady, tolerationSeconds: 300 },
      { key: 'x', operator: 'Exists' },
      { ...notReady, tolerationSeconds: 60 },
    ];
    expect(daemonPodTolerations({ containers: [], tolerations: user })).toEqual([notReady, { key: 'x', operator: 'Exists' }, notReady, ...others]);
  });

  it("§4.1 replaces a matching toleration after an exact copy too: upstream's deep-equal check compares a pointer with a value and never holds", () => {
    const user = [{ ...notReady }, { ...notReady, tolerationSeconds: 300 }];
    const tolerations = daemonPodTolerations({ containers: [], tolerations: user });
    expect(tolerations).toEqual([notReady, notReady, ...others]);
    expect(tolerations.some((t) => t.tolerationSeconds !== undefined)).toBe(false); // never evicted from a NotReady node
  });
});

describe('daemonPodName', () => {
  const ds = aDaemonSet();
  it('is a function of the DaemonSet uid, node, hash and attempt', () => {
    expect(daemonPodName(ds, 'n1', 'h')).toBe(daemonPodName(structuredClone(ds), 'n1', 'h'));
    const others = [
      daemonPodName(ds, 'n2', 'h'),
      daemonPodName(ds, 'n1', 'h2'),
      daemonPodName(ds, 'n1', 'h', 1),
      daemonPodName(aDaemonSet({ uid: 'V' }), 'n1', 'h'),
    ];
    expect(new Set([daemonPodName(ds, 'n1', 'h'), ...others]).size).toBe(5);
  });

  it('is a valid DNS label of at most 63 characters that starts with the DaemonSet name', () => {
    for (const name of ['foo', 'a.b.c', 'x'.repeat(253), 'Upper_Case', '---', '']) {
      const podName = daemonPodName(aDaemonSet({ name }), 'node-1', 'h');
      expect(podName.length).toBeLessThanOrEqual(63);
      expect(podName).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    }
    expect(daemonPodName(ds, 'n', 'h')).toMatch(/^foo-[bcdfghjklmnpqrstvwxz2456789]{10}$/);
  });

  it('gives a created pod a new name while an old pod on the node still holds the first one', () => {
    const failed = run(ds, [aNode('n1')]).create[0]!.pod;
    const lingering: V1Pod = {
      ...failed,
      spec: { ...failed.spec!, nodeName: 'n1' },
      status: { phase: 'Failed' },
      metadata: { ...failed.metadata, deletionTimestamp: new Date(0) },
    };
    const again = run(ds, [aNode('n1')], [lingering]);
    expect(again.create).toHaveLength(1);
    expect(again.create[0]!.pod.metadata!.name).not.toBe(failed.metadata!.name);
    expect(again.create[0]!.pod.metadata!.name).toBe(daemonPodName(ds, 'n1', failed.metadata!.labels![CONTROLLER_REVISION_HASH_LABEL]!, 1));
  });
});

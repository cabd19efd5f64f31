// Section A of the scenario catalogue: NodeShouldRunDaemonPod.
import type { V1NodeSelectorTerm, V1PodSpec } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { nodeShouldRunDaemonPod } from '../../domain/index';
import { aDaemonSet, aNode, aPod, createdOn, L, L2, NL, nodes, run, taint } from './builders';

const yes = { shouldRun: true, shouldContinueRunning: true };
const no = { shouldRun: false, shouldContinueRunning: false };
const keepOnly = { shouldRun: false, shouldContinueRunning: true };
const testNode = (o: Parameters<typeof aNode>[1] = {}) => aNode('test-node', { labels: L, ...o });
const dsWith = (podSpec: Partial<V1PodSpec>) => aDaemonSet({ podSpec });
const requests = (memory: string, cpu: string): Partial<V1PodSpec> => ({
  containers: [{ name: 'foo', image: 'foo/bar', resources: { requests: { memory, cpu } } }],
});
const requiredTerms = (...nodeSelectorTerms: V1NodeSelectorTerm[]): Partial<V1PodSpec> => ({
  affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms } } },
});

describe('NodeShouldRunDaemonPod (A)', () => {
  it('A1 runs on a node that fits the template', () => {
    expect(nodeShouldRunDaemonPod(testNode(), dsWith(requests('50M', '0.5')))).toEqual(yes);
  });

  it('A2 ignores resource requests larger than the node', () => {
    expect(nodeShouldRunDaemonPod(testNode(), dsWith(requests('200M', '0.5')))).toEqual(yes);
  });

  it('A3 runs nowhere but the node the template names', () => {
    expect(nodeShouldRunDaemonPod(testNode(), dsWith({ nodeName: 'other-node' }))).toEqual(no);
  });

  it('A4 A5 A6 ignore host ports and requests of other pods on the node', () => {
    const ds = dsWith({
      containers: [{ name: 'foo', image: 'foo/bar', ports: [{ containerPort: 666, hostPort: 666 }], resources: { requests: { memory: '100M', cpu: '0.5' } } }],
    });
    const other = {
      metadata: { name: 'other', namespace: 'default' },
      spec: { nodeName: 'test-node', containers: [{ name: 'x', ports: [{ containerPort: 666, hostPort: 666 }] }] },
    };
    expect(nodeShouldRunDaemonPod(testNode(), ds)).toEqual(yes);
    expect(createdOn(run(ds, [testNode()], [other]))).toEqual(['test-node']);
  });

  it('A7 runs nowhere the nodeSelector does not match', () => {
    expect(nodeShouldRunDaemonPod(testNode(), dsWith({ nodeSelector: L2 }))).toEqual(no);
  });

  it('A8 runs where the nodeSelector matches', () => {
    expect(nodeShouldRunDaemonPod(testNode(), dsWith({ nodeSelector: L }))).toEqual(yes);
  });

  it('A9 runs nowhere the required node affinity does not match', () => {
    expect(nodeShouldRunDaemonPod(testNode(), dsWith(requiredTerms({ matchExpressions: [{ key: 'type', operator: 'In', values: ['test'] }] })))).toEqual(no);
  });

  it('A10 runs where the required node affinity matches', () => {
    expect(nodeShouldRunDaemonPod(testNode(), dsWith(requiredTerms({ matchExpressions: [{ key: 'type', operator: 'In', values: ['production'] }] })))).toEqual(
      yes,
    );
  });

  it('A11 runs on an unschedulable node without taints', () => {
    expect(nodeShouldRunDaemonPod(testNode({ unschedulable: true }), dsWith(requests('50M', '0.5')))).toEqual(yes);
  });

  it('A12 starts no pod on a NoSchedule-tainted node but keeps one already there', () => {
    expect(nodeShouldRunDaemonPod(testNode({ taints: [taint('dedicated', 'NoSchedule', 'user1')] }), aDaemonSet())).toEqual(keepOnly);
  });

  it('A13 neither starts nor keeps a pod on a NoExecute-tainted node', () => {
    expect(nodeShouldRunDaemonPod(testNode({ taints: [taint('dedicated', 'NoExecute', 'user1')] }), aDaemonSet())).toEqual(no);
  });

  it('A14 runs on a NoSchedule-tainted node it tolerates (empty operator means Equal)', () => {
    const ds = dsWith({ tolerations: [{ key: 'dedicated', value: 'user1', effect: 'NoSchedule' }] });
    expect(nodeShouldRunDaemonPod(testNode({ taints: [taint('dedicated', 'NoSchedule', 'user1')] }), ds)).toEqual(yes);
  });

  it('A15 tolerates the not-ready NoExecute taint by default', () => {
    const node = testNode({ taints: [taint('node.kubernetes.io/not-ready', 'NoExecute')], conditions: [{ type: 'Ready', status: 'False' }] });
    expect(nodeShouldRunDaemonPod(node, aDaemonSet())).toEqual(yes);
  });

  it('A16 tolerates the unreachable NoExecute taint by default', () => {
    const node = testNode({ taints: [taint('node.kubernetes.io/unreachable', 'NoExecute')], conditions: [{ type: 'Ready', status: 'Unknown' }] });
    expect(nodeShouldRunDaemonPod(node, aDaemonSet())).toEqual(yes);
  });

  it('A17 tolerates the pressure NoSchedule taints by default', () => {
    const taints = ['disk-pressure', 'memory-pressure', 'pid-pressure'].map((k) => taint(`node.kubernetes.io/${k}`, 'NoSchedule'));
    const ds = aDaemonSet({ namespace: 'kube-system', podSpec: { priority: 2000000000 } });
    expect(nodeShouldRunDaemonPod(testNode({ taints }), ds)).toEqual(yes);
  });

  it('A18 runs on a cordoned node (the unschedulable taint is tolerated by default)', () => {
    const node = testNode({ unschedulable: true, taints: [taint('node.kubernetes.io/unschedulable', 'NoSchedule')] });
    expect(nodeShouldRunDaemonPod(node, aDaemonSet())).toEqual(yes);
  });

  it('A19 tolerates network-unavailable only for host-network pods', () => {
    const node = testNode({
      taints: [taint('node.kubernetes.io/network-unavailable', 'NoSchedule')],
      conditions: [
        { type: 'Ready', status: 'False' },
        { type: 'NetworkUnavailable', status: 'True' },
      ],
    });
    expect(nodeShouldRunDaemonPod(node, dsWith({ hostNetwork: true }))).toEqual(yes);
    expect(nodeShouldRunDaemonPod(node, aDaemonSet())).toEqual(keepOnly);
  });

  it('A20 ignores node conditions without taints', () => {
    expect(nodeShouldRunDaemonPod(testNode({ conditions: [{ type: 'NetworkUnavailable', status: 'True' }] }), aDaemonSet())).toEqual(yes);
    expect(nodeShouldRunDaemonPod(testNode({ conditions: [{ type: 'Ready', status: 'False' }] }), aDaemonSet())).toEqual(yes);
  });

  it('A21 requires both the template nodeName and the nodeSelector', () => {
    const all = [...nodes(0, 3), ...nodes(4, 6, { labels: NL })];
    const agree = dsWith({ nodeName: 'node-6', nodeSelector: NL });
    expect(all.filter((n) => nodeShouldRunDaemonPod(n, agree).shouldRun).map((n) => n.metadata!.name)).toEqual(['node-6']);
    for (const n of all.filter((n) => n.metadata!.name !== 'node-6')) expect(nodeShouldRunDaemonPod(n, agree)).toEqual(no);
    const disagree = dsWith({ nodeName: 'node-0', nodeSelector: NL });
    for (const n of all) expect(nodeShouldRunDaemonPod(n, disagree)).toEqual(no);
  });

  it('A22 ORs required terms and matches fields on the node name', () => {
    const all = nodes(0, 5).map((n) => (['node-2', 'node-3'].includes(n.metadata!.name!) ? aNode(n.metadata!.name!, { labels: { zone: 'test' } }) : n));
    const ds = dsWith(
      requiredTerms(
        { matchExpressions: [{ key: 'zone', operator: 'In', values: ['test'] }] },
        { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-1'] }] },
      ),
    );
    expect(all.filter((n) => nodeShouldRunDaemonPod(n, ds).shouldRun).map((n) => n.metadata!.name)).toEqual(['node-1', 'node-2', 'node-3']);
  });

  it('A23 ignores PreferNoSchedule taints', () => {
    expect(nodeShouldRunDaemonPod(testNode({ taints: [taint('x', 'PreferNoSchedule', 'y')] }), aDaemonSet())).toEqual(yes);
  });

  it('A24 starts no pod on a real NotReady node but keeps the one there', () => {
    const node = testNode({ taints: [taint('node.kubernetes.io/not-ready', 'NoSchedule'), taint('node.kubernetes.io/not-ready', 'NoExecute')] });
    const ds = aDaemonSet();
    expect(nodeShouldRunDaemonPod(node, ds)).toEqual(keepOnly);
    const r = run(ds, [node], [aPod('p', 'test-node', ds)]);
    expect(r.create).toEqual([]);
    expect(r.delete).toEqual([]);
    expect(r.status).toMatchObject({ desiredNumberScheduled: 0, numberMisscheduled: 1 });
  });

  describe('A25 operator semantics', () => {
    const node = aNode('n1', { labels: { a: '5' } });
    const matches = (...terms: V1NodeSelectorTerm[]) => nodeShouldRunDaemonPod(node, dsWith(requiredTerms(...terms))).shouldRun;
    const expr = (key: string, operator: string, values?: string[]): V1NodeSelectorTerm => ({
      matchExpressions: [{ key, operator, ...(values ? { values } : {}) }],
    });

    it('A25 NotIn matches an absent key', () => expect(matches(expr('b', 'NotIn', ['x']))).toBe(true));
    it('A25 Gt compares integers', () => expect(matches(expr('a', 'Gt', ['3']))).toBe(true));
    it('A25 Lt compares integers', () => expect(matches(expr('a', 'Lt', ['3']))).toBe(false));
    it('A25 Gt never matches an absent key', () => expect(matches(expr('b', 'Gt', ['3']))).toBe(false));
    it('A25 In without values never matches, yet the other terms are tried', () => {
      expect(matches(expr('a', 'In', []))).toBe(false);
      expect(matches(expr('a', 'In', []), expr('a', 'Exists'))).toBe(true);
    });
    it('A25 a matchFields requirement with two values never matches', () => {
      expect(matches({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1', 'n2'] }] })).toBe(false);
    });
    it('A25 Exists, DoesNotExist and NotIn on present keys behave as label requirements', () => {
      expect(matches(expr('a', 'Exists'))).toBe(true);
      expect(matches(expr('a', 'DoesNotExist'))).toBe(false);
      expect(matches(expr('a', 'NotIn', ['5']))).toBe(false);
      expect(matches(expr('a', 'Exists', ['5']))).toBe(false); // values with Exists: a parse error
      expect(matches(expr('a', 'Gt', ['x']))).toBe(false);
    });
    it('A25 matchFields NotIn and unknown field keys compare against the node name or ""', () => {
      expect(matches({ matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['n2'] }] })).toBe(true);
      expect(matches({ matchFields: [{ key: 'metadata.foo', operator: 'In', values: ['n1'] }] })).toBe(false);
      expect(matches({ matchFields: [{ key: 'metadata.name', operator: 'Exists' }] })).toBe(false);
    });
    it('A25 a required affinity with no terms, or only empty terms, matches no node', () => {
      expect(matches()).toBe(false);
      expect(matches({})).toBe(false);
    });
    it('A25/§3.4 Gt/Lt need one value that is a valid label value and a base-10 int64: a signed or out-of-range value is a parse error', () => {
      expect(matches(expr('a', 'Gt', ['-1']))).toBe(false); // "-1" is not a valid label value
      expect(matches(expr('a', 'Gt', ['+1']))).toBe(false);
      expect(matches(expr('a', 'Lt', ['99999999999999999999']))).toBe(false); // beyond int64
      expect(matches(expr('a', 'Gt', ['-1']), expr('a', 'Exists'))).toBe(true); // the other terms are still tried
      expect(matches(expr('a', 'Gt', ['007']))).toBe(false); // 5 > 7 is false: leading zeros parse
      expect(matches(expr('a', 'Lt', ['007']))).toBe(true);
    });
    it('A25/§3.4 Gt/Lt never match a node label value that does not parse as an int64', () => {
      const huge = aNode('n1', { labels: { a: '99999999999999999999' } });
      const on = (term: V1NodeSelectorTerm) => nodeShouldRunDaemonPod(huge, dsWith(requiredTerms(term))).shouldRun;
      expect(on(expr('a', 'Gt', ['1']))).toBe(false);
      expect(on(expr('a', 'Lt', ['1']))).toBe(false);
    });
    it('A25/§3.4 Exists and DoesNotExist look at the node\'s own labels only (keys like "constructor" or "toString")', () => {
      expect(matches(expr('constructor', 'Exists'))).toBe(false);
      expect(matches(expr('toString', 'DoesNotExist'))).toBe(true);
      expect(matches(expr('constructor', 'In', ['x']))).toBe(false);
      expect(matches(expr('valueOf', 'NotIn', ['x']))).toBe(true);
      expect(matches(expr('hasOwnProperty', 'Gt', ['1']))).toBe(false);
    });
    it('A25 a term ANDs its expressions and fields', () => {
      expect(
        matches({ matchExpressions: [{ key: 'a', operator: 'In', values: ['5'] }], matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }),
      ).toBe(true);
      expect(
        matches({ matchExpressions: [{ key: 'a', operator: 'In', values: ['5'] }], matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n2'] }] }),
      ).toBe(false);
    });
  });

  it('tolerates a taint through an empty-key Exists toleration, and not through a wrong value or effect', () => {
    const node = testNode({ taints: [taint('dedicated', 'NoExecute', 'user1')] });
    expect(nodeShouldRunDaemonPod(node, dsWith({ tolerations: [{ operator: 'Exists' }] }))).toEqual(yes);
    expect(nodeShouldRunDaemonPod(node, dsWith({ tolerations: [{ key: 'dedicated', value: 'user2', effect: 'NoExecute' }] }))).toEqual(no);
    expect(nodeShouldRunDaemonPod(node, dsWith({ tolerations: [{ key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }] }))).toEqual(no);
    expect(nodeShouldRunDaemonPod(node, dsWith({ tolerations: [{ key: 'dedicated', operator: 'Gt', value: '0' }] }))).toEqual(no);
  });
});

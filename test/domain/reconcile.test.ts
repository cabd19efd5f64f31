// reconcile as a whole: a pure, total function — same input, same decision; bad input, no throw
// and no pod actions.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reconcile, validateDaemonSet, type ReconcileInput } from '../../domain/index';
import { aDaemonSet, aNode, aPod, at, nodes, NOW, RU, withImage } from './builders';

const v1 = aDaemonSet({ strategy: RU(2), minReadySeconds: 5 });
const v2 = withImage(v1, 'foo/bar:2');
const sample = (): ReconcileInput => ({
  daemonSet: structuredClone(v2),
  nodes: [...nodes(0, 5), aNode('tainted', { taints: [{ key: 'k', effect: 'NoSchedule' }] })],
  pods: [
    aPod('a', 'node-0', v1, { ready: at(0) }),
    aPod('b', 'node-1', v1, { ready: at(0) }),
    aPod('c', 'node-2', v2, { ready: at(998) }),
    aPod('d', 'node-3', v1, { phase: 'Failed' }),
    aPod('e', 'node-3', v1, { ready: at(0) }),
    aPod('o', 'node-4', v1, { owner: null }),
    aPod('f', 'gone', v1, { bound: false }),
    aPod('t', 'tainted', v1, { ready: at(0) }),
  ],
  now: NOW,
  revisions: [],
  failedPodBackoff: { 'U/0/node-5': { delaySeconds: 2, since: NOW } },
});

describe('reconcile', () => {
  it('decides the same for the same input and never changes its input', () => {
    const input = sample();
    const before = structuredClone(input);
    const first = reconcile(input);
    expect(input).toEqual(before);
    expect(reconcile(sample())).toEqual(first);
    expect(first.create.length + first.delete.length).toBeGreaterThan(0);
  });

  it('survives a JSON round trip of its input (timestamps as strings)', () => {
    const input = sample();
    const viaJson = JSON.parse(JSON.stringify(input)) as ReconcileInput;
    const a = reconcile(input),
      b = reconcile({ ...viaJson, now: NOW });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  it('does nothing for a DaemonSet being deleted', () => {
    const input = sample();
    input.daemonSet.metadata!.deletionTimestamp = NOW;
    const r = reconcile(input);
    expect([r.create, r.delete, r.adopt, r.release, r.requeueAfterSeconds]).toEqual([[], [], [], [], undefined]);
    expect(r.waits).toEqual([{ reason: 'DaemonSet is being deleted' }]);
  });

  it('ignores duplicate node names after the first', () => {
    const r = reconcile({ daemonSet: aDaemonSet(), nodes: [aNode('n'), aNode('n'), aNode('')], pods: [], now: NOW });
    expect(r.create.map((c) => c.nodeName)).toEqual(['n']);
  });

  it('never throws and never acts on garbage', () => {
    const paths: ((i: ReconcileInput, v: unknown) => void)[] = [
      (i, v) => ((i as { daemonSet: unknown }).daemonSet = v),
      (i, v) => ((i.daemonSet as { metadata: unknown }).metadata = v),
      (i, v) => ((i.daemonSet as { spec: unknown }).spec = v),
      (i, v) => ((i.daemonSet.spec as { selector: unknown }).selector = v),
      (i, v) => ((i.daemonSet.spec!.template as { spec: unknown }).spec = v),
      (i, v) => ((i.daemonSet.spec!.template as { metadata: unknown }).metadata = v),
      (i, v) => ((i.daemonSet.spec!.template.spec as { tolerations: unknown }).tolerations = v),
      (i, v) => ((i.daemonSet.spec!.template.spec as { affinity: unknown }).affinity = v),
      (i, v) => ((i.daemonSet.spec!.template.spec as { nodeSelector: unknown }).nodeSelector = v),
      (i, v) => ((i.daemonSet.spec as { updateStrategy: unknown }).updateStrategy = v),
      (i, v) => ((i.daemonSet.spec!.updateStrategy!.rollingUpdate as { maxUnavailable: unknown }).maxUnavailable = v),
      (i, v) => ((i.daemonSet.spec as { minReadySeconds: unknown }).minReadySeconds = v),
      (i, v) => ((i.daemonSet as { status: unknown }).status = v),
      (i, v) => ((i as { nodes: unknown }).nodes = v),
      (i, v) => ((i.nodes[0] as { spec: unknown }).spec = v),
      (i, v) => ((i.nodes[1]!.metadata as { labels: unknown }).labels = v),
      (i, v) => ((i as { pods: unknown }).pods = v),
      (i, v) => ((i.pods[0] as { metadata: unknown }).metadata = v),
      (i, v) => ((i.pods[1] as { spec: unknown }).spec = v),
      (i, v) => ((i.pods[2] as { status: unknown }).status = v),
      (i, v) => ((i.pods[3]!.metadata as { ownerReferences: unknown }).ownerReferences = v),
      (i, v) => ((i.nodes[2]!.spec as { taints: unknown }).taints = v),
      (i, v) => ((i.nodes[3]!.spec as { taints: unknown }).taints = [v]),
      (i, v) => ((i.pods[4]!.spec as { affinity: unknown }).affinity = v),
      (i, v) => ((i.pods[5]!.spec as { nodeName: unknown }).nodeName = v),
      (i, v) => ((i.pods[6]!.status as { conditions: unknown }).conditions = [v]),
      (i, v) => ((i.daemonSet.spec!.template.spec as { tolerations: unknown }).tolerations = [v]),
      (i, v) =>
        ((i.daemonSet.spec!.template.spec as { affinity: unknown }).affinity = {
          nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [v] } },
        }),
      (i, v) => ((i as { now: unknown }).now = v),
      (i, v) => ((i as { revisions: unknown }).revisions = v),
      (i, v) => ((i as { failedPodBackoff: unknown }).failedPodBackoff = v),
    ];
    const garbage = fc.oneof(fc.anything(), fc.constantFrom(null, undefined, '', '5', '101%', -1, 1.5, [], {}, [null], { matchExpressions: [{}] }, NaN));
    const mutations = fc.array(fc.tuple(fc.nat(paths.length - 1), garbage), { minLength: 1, maxLength: 3 });
    fc.assert(
      fc.property(mutations, (ms) => {
        const input = sample();
        for (const [at, value] of ms) {
          try {
            paths[at]!(input, value);
          } catch {
            // the path no longer exists after an earlier mutation: nothing to corrupt
          }
        }
        const r = reconcile(input);
        expect(Array.isArray(r.create) && Array.isArray(r.delete) && typeof r.status === 'object').toBe(true);
        const ds = input.daemonSet as unknown;
        const invalid = typeof ds !== 'object' || ds === null || validateDaemonSet(ds as never).length > 0;
        if (invalid) expect([r.create, r.delete, r.adopt, r.release]).toEqual([[], [], [], []]);
      }),
      { seed: 7, numRuns: 1500 },
    );
  });
});

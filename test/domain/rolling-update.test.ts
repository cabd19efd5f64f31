// rollingUpdate (update.go), after manage in the same call, per spec §8.
import { describe, expect, it } from 'vitest';
import { aDaemonSet, aNode, aPod, at, counts, createdOn, deleted, hashOf, nodes, NOW, OD, RU, run, SU, taint, withImage } from './builders';
import type { V1DaemonSet, V1Pod } from '@kubernetes/client-node';

const v1 = aDaemonSet();
/** One old (v1) pod per node, Ready long ago; `ds` is the updated DaemonSet. */
const oldPods = (count: number, o: Parameters<typeof aPod>[3] = {}): V1Pod[] =>
  Array.from({ length: count }, (_, i) => aPod(`old-${i}`, `node-${i}`, v1, { ready: at(0), created: at(0), ...o }));
const update = (strategy = RU(1), o: Parameters<typeof aDaemonSet>[0] = {}): V1DaemonSet => withImage(aDaemonSet({ strategy, ...o }), 'foo/bar:2');
const budgetWaits = (r: ReturnType<typeof run>) => r.waits.filter((w) => w.reason.startsWith('budget exhausted')).map((w) => w.nodeName);

describe('rolling update without surge', () => {
  it('deletes one available old pod per pass with maxUnavailable 1, in node-list order', () => {
    const r = run(update(), nodes(0, 4), oldPods(5));
    expect(deleted(r)).toEqual(['old-0']);
    expect(r.create).toEqual([]);
    expect(budgetWaits(r)).toEqual(['node-1', 'node-2', 'node-3', 'node-4']);
    expect(r.waits.find((w) => w.nodeName === 'node-1')!.reason).toBe('budget exhausted: maxUnavailable 1, 1 in use');
  });

  it('rounds a percentage of eligible nodes up', () => {
    expect(run(update(RU('30%')), nodes(0, 4), oldPods(5)).delete).toHaveLength(2); // ceil(1.5)
    expect(run(update(RU('50%')), nodes(0, 2), oldPods(3)).delete).toHaveLength(2); // ceil(1.5)
    expect(run(update(RU('1%')), nodes(0, 0), oldPods(1)).delete).toHaveLength(1);
    expect(run(update(RU(10)), nodes(0, 2), oldPods(3)).delete).toHaveLength(3); // integers are not capped
  });

  it('counts percentages against eligible nodes only', () => {
    const ds = update(RU('50%'), { podSpec: { nodeSelector: { pool: 'a' } } });
    const pool = nodes(0, 3, { labels: { pool: 'a' } });
    const r = run(ds, [...pool, ...nodes(4, 9)], oldPods(4, { labels: undefined }));
    expect(r.delete).toHaveLength(2); // ceil(50% of 4), not of 10
  });

  it('replaces unavailable old pods beyond the budget', () => {
    const r = run(update(RU(1)), nodes(0, 4), oldPods(5, { ready: false }));
    expect(r.delete).toHaveLength(5);
    expect(r.delete.every((d) => /unavailable/.test(d.reason))).toBe(true);
  });

  it('keeps healthy old pods while unavailable ones use the budget', () => {
    const pods = [
      ...oldPods(3),
      ...oldPods(5)
        .slice(3)
        .map((p) => ({ ...p, status: {} })),
    ];
    const r = run(update(RU(2)), nodes(0, 4), pods);
    expect(deleted(r)).toEqual(['old-3', 'old-4']);
  });

  it('counts empty eligible nodes, terminating pods and unavailable new pods against the budget', () => {
    const ds = update(RU(3));
    const pods = [
      aPod('terminating', 'node-1', v1, { ready: at(0), deleting: NOW }),
      aPod('new-2', 'node-2', ds), // not ready
      ...oldPods(6).slice(3),
    ];
    const r = run(ds, nodes(0, 5), pods); // node-0 empty: manage creates, the new pod is unavailable
    expect(createdOn(r)).toEqual(['node-0']);
    expect(r.delete).toEqual([]); // 3 unavailable already
    expect(budgetWaits(r)).toEqual(['node-3', 'node-4', 'node-5']);
  });

  it('holds a node whose new pod waits for minReadySeconds and wakes when it is due', () => {
    const ds = update(RU(1), { minReadySeconds: 10 });
    const pods = [aPod('new-0', 'node-0', ds, { ready: new Date(NOW.getTime() - 4000) }), ...oldPods(3).slice(1)];
    const r = run(ds, nodes(0, 2), pods);
    expect(r.delete).toEqual([]);
    expect(r.requeueAfterSeconds).toBe(6);
    expect(r.waits).toContainEqual({ nodeName: 'node-0', reason: 'waiting for minReadySeconds: available in 6s' });
    expect(budgetWaits(r)).toEqual(['node-1', 'node-2']);
    const later = run(ds, nodes(0, 2), pods, { now: new Date(NOW.getTime() + 6000) });
    expect(deleted(later)).toEqual(['old-1']);
  });

  it('treats an available old pod on a NoSchedule-tainted node and on a vanished node as candidates', () => {
    const ds = update(RU(2));
    const tainted = aNode('node-0', { taints: [taint('dedicated', 'NoSchedule')] });
    const pods = [aPod('old-0', 'node-0', v1, { ready: at(0) }), aPod('gone', 'node-9', v1, { ready: at(0) })];
    const r = run(ds, [tainted], pods);
    expect(deleted(r)).toEqual(['gone', 'old-0']);
  });

  it('deletes only unavailable old pods when no node is eligible (a percentage of 0 nodes is 0)', () => {
    const tainted = nodes(0, 1, { taints: [taint('x', 'NoSchedule')] });
    const r = run(update(RU('50%')), tainted, [aPod('ok', 'node-0', v1, { ready: at(0) }), aPod('down', 'node-1', v1)]);
    expect(deleted(r)).toEqual(['down']);
  });

  it('sees a node as manage left it: the duplicate goes, then the remaining old pod is a candidate', () => {
    const ds = update(RU(1));
    const pods = [aPod('a', 'node-0', v1, { ready: at(0), created: at(1) }), aPod('b', 'node-0', v1, { ready: at(0), created: at(2) }), ...oldPods(2).slice(1)];
    const r = run(ds, nodes(0, 1), pods);
    expect(r.delete.map((d) => [d.podName, d.reason])).toEqual([
      ['b', 'duplicate pod on node (the oldest is kept)'],
      ['a', 'rolling update'],
    ]);
  });

  it('converges: replace, become ready, replace the next', () => {
    const ds = update(RU(1));
    const first = run(ds, nodes(0, 1), oldPods(2));
    expect(deleted(first)).toEqual(['old-0']);
    const second = run(ds, nodes(0, 1), oldPods(2).slice(1));
    expect(createdOn(second)).toEqual(['node-0']);
    expect(second.delete).toEqual([]); // the new pod is unavailable: the budget is used
    const newPod = { ...second.create[0]!.pod, status: { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: NOW }] } };
    const third = run(ds, nodes(0, 1), [newPod, ...oldPods(2).slice(1)]);
    expect(deleted(third)).toEqual(['old-1']);
    expect(counts(third)).toBe('D2 C1 M0 R1 A1 U1 Up1');
  });
});

describe('rolling update with surge', () => {
  it('starts new pods beside old ones within maxSurge and retires nothing yet', () => {
    const r = run(update(SU(1)), nodes(0, 4), oldPods(5));
    expect(createdOn(r)).toEqual(['node-0']);
    expect(r.delete).toEqual([]);
    expect(budgetWaits(r)).toEqual(['node-1', 'node-2', 'node-3', 'node-4']);
    expect(counts(r)).toBe('D5 C5 M0 R5 A5 U0 Up0'); // the oldest pod, the old one, is what status sees
  });

  it('retires the old pod once the new one is available and surges on the next node', () => {
    const ds = update(SU(1));
    const newPod = aPod('new-0', 'node-0', ds, { ready: at(500), created: at(400) });
    const r = run(ds, nodes(0, 4), [newPod, ...oldPods(5)]);
    expect(deleted(r)).toEqual(['old-0']);
    expect(createdOn(r)).toEqual(['node-1']);
  });

  it('rounds a surge percentage up', () => {
    expect(run(update(SU('20%')), nodes(0, 9), oldPods(10)).create).toHaveLength(2);
    expect(run(update(SU('1%')), nodes(0, 9), oldPods(10)).create).toHaveLength(1);
  });

  it('replaces an unavailable old pod at once, whatever the surge budget', () => {
    const pods = oldPods(3).map((p, i) => (i > 0 ? { ...p, status: {} } : p));
    const r = run(update(SU(1)), nodes(0, 2), pods);
    expect(createdOn(r)).toEqual(['node-0', 'node-1', 'node-2']);
  });

  it('counts an unready new pod against the surge budget', () => {
    const ds = update(SU(1));
    const r = run(ds, nodes(0, 2), [aPod('new-0', 'node-0', ds), ...oldPods(3)]);
    expect(r.create).toEqual([]);
    expect(r.waits).toContainEqual({ nodeName: 'node-0', reason: 'waiting for the updated pod to become ready' });
  });

  it('drains old pods on nodes that no longer should run them only while more pods are available than desired', () => {
    const ds = update(SU(1));
    const tainted = aNode('node-2', { taints: [taint('dedicated', 'NoSchedule')] });
    const newPods = [0, 1].map((i) => aPod(`new-${i}`, `node-${i}`, ds, { ready: at(0) }));
    const spare = run(ds, [...nodes(0, 1), tainted], [...newPods, aPod('old-2', 'node-2', v1, { ready: at(0) })]);
    expect(deleted(spare)).toEqual(['old-2']); // 3 available, 2 desired: one to spare
    const unavailableNew = [aPod('new-0', 'node-0', ds), newPods[1]!];
    const waiting = run(ds, [...nodes(0, 1), tainted], [...unavailableNew, aPod('old-2', 'node-2', v1, { ready: at(0) })]);
    expect(waiting.delete).toEqual([]);
    expect(waiting.waits).toContainEqual(expect.objectContaining({ nodeName: 'node-2', reason: expect.stringMatching(/^ineligible node drained later/) }));
  });

  it('deletes an unavailable old pod on a node that no longer should run it', () => {
    const ds = update(SU(1));
    const tainted = aNode('node-0', { taints: [taint('dedicated', 'NoSchedule')] });
    const r = run(ds, [tainted], [aPod('old-0', 'node-0', v1)]);
    expect(deleted(r)).toEqual(['old-0']);
  });

  it('treats an old pod bound to a vanished node as ineligible instead of failing the update', () => {
    const ds = update(SU(1));
    const r = run(ds, nodes(0, 0), [aPod('new-0', 'node-0', ds, { ready: at(0) }), aPod('gone', 'node-9', v1, { ready: at(0) })]);
    expect(deleted(r)).toEqual(['gone']); // 2 available, 1 desired
  });
});

describe('OnDelete', () => {
  it('replaces no old pod and names every node still running one', () => {
    const ds = update(OD);
    const r = run(ds, nodes(0, 2), oldPods(3));
    expect([r.create, r.delete]).toEqual([[], []]);
    expect(r.waits.map((w) => w.nodeName)).toEqual(['node-0', 'node-1', 'node-2']);
    expect(r.waits[0]!.reason).toMatch(/^OnDelete/);
  });

  it('creates the current revision where an old pod was deleted', () => {
    const ds = update(OD);
    const r = run(ds, nodes(0, 2), oldPods(3).slice(1));
    expect(createdOn(r)).toEqual(['node-0']);
    expect(r.create[0]!.pod.metadata!.labels!['controller-revision-hash']).toBe(hashOf(ds));
  });
});

// One reconcile → the events of one commit: the decision and its marks, then the revision it first
// used, one intent per create and per delete, and its wake-up.
import { describe, expect, it } from 'vitest';
import { decisionEvents, decisionIdOf } from '../../domain/decision-events';
import { parseLogEvent } from '../../domain/event-schema';
import { fold } from '../../domain/evolve';
import { reconcile } from '../../domain/index';
import type { DaemonSetKey } from '../../domain/streams';
import type { ReconcileResult } from '../../domain/types';
import { reconcileInput } from '../../domain/view';
import { at, CLUSTER, daemonSetObserved, nodeObserved, podObserved } from '../log/fixtures';

const key: DaemonSetKey = { clusterId: CLUSTER, namespace: 'default', name: 'agent' };
const marks = { streams: { 'c1/nodes': 3 }, daemonSetUid: 'ds-uid' };
const state = () => fold([daemonSetObserved(), nodeObserved('n1', '2'), nodeObserved('n2', '3'), podObserved('stale', '4', { node: 'n2', owner: 'ds-uid' })]);

describe('decisionEvents', () => {
  it('names the decision after the commit it will be', () => {
    expect(decisionIdOf(key, 7)).toBe('c1/daemonsets/default/agent@7');
  });

  it('writes the decision first, then the new revision, the intents and the timer — all valid log events', () => {
    const input = reconcileInput(state(), key, at(100))!;
    const result: ReconcileResult = {
      ...reconcile(input),
      delete: [{ podName: 'stale', nodeName: 'n2', reason: 'duplicate' }],
      requeueAfterSeconds: 10,
      waits: [
        { nodeName: 'n1', reason: 'budget exhausted: maxUnavailable 1, 1 in use' },
        { nodeName: 'n2', reason: 'waiting for minReadySeconds: available in 10s' },
      ],
    };
    const events = decisionEvents({ key, commit: 4, input, result, marks });
    expect(events.map((e) => e.type)).toEqual([
      'ReconcileDecided',
      'RevisionRecorded',
      ...result.create.map(() => 'PodCreateRequested'),
      'PodDeleteRequested',
      'TimerScheduled',
    ]);
    expect(events.every((e) => 'decisionId' in e && e.decisionId === 'c1/daemonsets/default/agent@4')).toBe(true);
    expect(events[0]).toMatchObject({ daemonSetUid: 'ds-uid', inputs: marks, creates: result.create.length, deletes: 1, time: at(100).toISOString() });
    expect(events.find((e) => e.type === 'PodDeleteRequested')).toMatchObject({ podName: 'stale', podUid: 'uid-stale', nodeName: 'n2' });
    expect(events.at(-1)).toMatchObject({ dueAt: at(110).toISOString(), reason: 'n2: waiting for minReadySeconds: available in 10s' });
    for (const event of events) expect(parseLogEvent(JSON.parse(JSON.stringify(event)))).toEqual(event);
  });

  it('keeps a create small: name, node and hash — never the manifest', () => {
    const input = reconcileInput(state(), key, at(0))!;
    const create = decisionEvents({ key, commit: 2, input, result: reconcile(input), marks }).find((e) => e.type === 'PodCreateRequested')!;
    expect(Object.keys(create).sort()).toEqual(['clusterId', 'decisionId', 'hash', 'namespace', 'nodeName', 'podName', 'schemaVersion', 'time', 'type']);
  });

  it('records a revision once: not again when the log already holds it', () => {
    const s = state();
    const input = reconcileInput(s, key, at(0))!;
    fold(decisionEvents({ key, commit: 2, input, result: reconcile(input), marks }), s);
    const next = reconcileInput(s, key, at(1))!;
    expect(next.revisions).toHaveLength(1);
    expect(decisionEvents({ key, commit: 3, input: next, result: reconcile(next), marks }).map((e) => e.type)).not.toContain('RevisionRecorded');
  });

  it('refuses to delete a pod its input does not hold (it would have no uid precondition)', () => {
    const input = reconcileInput(state(), key, at(0))!;
    const result = { ...reconcile(input), delete: [{ podName: 'ghost', reason: 'x' }] };
    expect(() => decisionEvents({ key, commit: 2, input, result, marks })).toThrow(/deletes pod ghost/);
  });

  it('prunes revisions beyond revisionHistoryLimit in the log, oldest first, never one a pod still carries (cleanupHistory)', () => {
    const s = fold([nodeObserved('n1', '2')]);
    let commit = 1;
    const apply = (image: string, pods: ReturnType<typeof podObserved>[] = []) => {
      const ds = structuredClone(daemonSetObserved().daemonSet);
      ds.spec!.revisionHistoryLimit = 2;
      ds.spec!.template.spec!.containers[0]!.image = image;
      ds.metadata!.resourceVersion = String(10 + commit);
      fold([daemonSetObserved(ds), ...pods], s);
      const input = reconcileInput(s, key, at(commit))!;
      const events = decisionEvents({ key, commit: ++commit, input, result: reconcile(input), marks });
      fold(events, s);
      return events;
    };
    for (const image of ['a:1', 'a:2', 'a:3']) apply(image);
    expect(s.controllers['default/agent']!.revisions.map((r) => r.revision)).toEqual([1, 2, 3]);
    const firstHash = s.controllers['default/agent']!.revisions[0]!.hash;
    // A pod still carries revision 1: revision 2 goes instead, and the log says so.
    const carrier = podObserved('carrier', '50', { node: 'n1', owner: 'ds-uid', labels: { app: 'agent', 'controller-revision-hash': firstHash } });
    const events = apply('a:4', [carrier]);
    const pruned = events.find((e) => e.type === 'RevisionsPruned');
    expect(pruned).toBeDefined();
    expect(parseLogEvent(JSON.parse(JSON.stringify(pruned)))).toEqual(pruned);
    expect(s.controllers['default/agent']!.revisions.map((r) => r.revision)).toEqual([1, 3, 4]);
    for (const image of ['a:5', 'a:6', 'a:7', 'a:8']) apply(image);
    expect(s.controllers['default/agent']!.revisions.length).toBeLessThanOrEqual(4); // bounded: limit + current + the carrier's
  });
});

// The fold, given/when/then: given observations (also reversed and duplicated — the bus promises no
// order and may deliver twice), then the state. Decisions fold in their stream's commit order.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { emptyClusterState, fromSnapshot, mergeStates, toSnapshot, type ClusterState } from '../../domain/cluster-state';
import type { LogEvent, Observation } from '../../domain/events';
import { evolve, fold } from '../../domain/evolve';
import {
  actionCompleted,
  aDaemonSet,
  createRequested,
  daemonSetDeleted,
  daemonSetObserved,
  decided,
  deleteRequested,
  nodeDeleted,
  nodeObserved,
  podDeleted,
  podObserved,
  relist,
} from '../log/fixtures';

/** What the controller reads of a state: the objects, and the pod names seen gone. */
const seen = (s: ClusterState) => ({ nodes: s.nodes, pods: s.pods, daemonSets: s.daemonSets, podNamesGone: s.podNamesGone });

/** Folds `events` as given, reversed, and each delivered twice: all three must show the same objects. */
function given(...events: Observation[]) {
  const state = fold(events);
  expect(seen(fold([...events].reverse()))).toEqual(seen(state));
  expect(fold(events.flatMap((e) => [e, e]))).toEqual(state);
  return { then: (check: (s: ClusterState) => void) => check(state) };
}
const rvOf = (o: { metadata?: { resourceVersion?: string } } | undefined) => o?.metadata?.resourceVersion;

describe('evolve: observations', () => {
  it('keeps the newest resourceVersion of an object', () => {
    given(nodeObserved('n1', '5', { v: 'old' }), nodeObserved('n1', '9', { v: 'new' }), nodeObserved('n1', '7')).then((s) => {
      expect(rvOf(s.nodes['uid-n1'])).toBe('9');
      expect(s.nodes['uid-n1']!.metadata!.labels).toEqual({ v: 'new' });
    });
  });

  it('compares resourceVersions by length first: 10 is newer than 9', () => {
    given(nodeObserved('n1', '9'), nodeObserved('n1', '10')).then((s) => expect(rvOf(s.nodes['uid-n1'])).toBe('10'));
  });

  it('leaves a tombstone that beats every older observation of the uid', () => {
    given(podObserved('p1', '3'), podDeleted('p1', '8'), podObserved('p1', '5')).then((s) => {
      expect(s.pods).toEqual({});
      expect(s.tombstones.Pod).toEqual({ 'default/uid-p1': '8' });
    });
  });

  it('ignores a stale delete of an object already seen at a newer version', () => {
    given(nodeObserved('n1', '12'), nodeDeleted('n1', '10')).then((s) => {
      expect(rvOf(s.nodes['uid-n1'])).toBe('12');
      expect(s.tombstones.Node).toEqual({});
    });
  });

  it('keys objects by uid: a recreated pod of the same name is another object', () => {
    const recreated = podObserved('p1', '20');
    recreated.pod.metadata!.uid = 'uid-p1-second';
    given(podObserved('p1', '3'), podDeleted('p1', '8'), recreated).then((s) => expect(Object.keys(s.pods)).toEqual(['uid-p1-second']));
  });

  it('tombstones what a completed relist no longer lists, unless it changed after the list', () => {
    const s = fold([
      nodeObserved('gone', '3'),
      nodeObserved('kept', '4'),
      nodeObserved('late', '15'), // created after the list was taken
      relist('Node', '10', ['uid-kept']),
    ]);
    expect(Object.keys(s.nodes).sort()).toEqual(['uid-kept', 'uid-late']);
  });

  it('rejects a stale observation of an object the relist removed, and of one deleted at or below it', () => {
    const s = fold([
      nodeObserved('gone', '3'),
      nodeObserved('kept', '4'),
      relist('Node', '10', ['uid-kept']),
      nodeObserved('gone', '3'),
      nodeDeleted('late', '8'),
      nodeObserved('late', '7'),
    ]);
    expect(Object.keys(s.nodes)).toEqual(['uid-kept']);
    given(nodeObserved('x', '3'), nodeDeleted('x', '5'), relist('Node', '10', [])).then((state) => expect(state.nodes).toEqual({}));
  });

  it('takes a pod it never saw even below the floor: one that becomes a daemon pod later, unchanged (issue 9 item 2)', () => {
    // The forwarder lists only the pods it wants; a DaemonSet created later selects an old orphan.
    const s = fold([podObserved('kept', '4'), relist('Pod', '10', ['uid-kept'], { namespace: 'default' }), podObserved('orphan', '3')]);
    expect(Object.keys(s.pods).sort()).toEqual(['uid-kept', 'uid-orphan']);
  });

  it('acts on a relist only once all its parts have arrived', () => {
    const parts = { relistId: 'r1', parts: 2 };
    const half = fold([nodeObserved('a', '3'), nodeObserved('b', '3'), relist('Node', '10', ['uid-a'], { ...parts, part: 1 })]);
    expect(Object.keys(half.nodes).sort()).toEqual(['uid-a', 'uid-b']);
    const s = fold([
      nodeObserved('a', '3'),
      nodeObserved('b', '3'),
      nodeObserved('c', '3'),
      relist('Node', '10', ['uid-a'], { ...parts, part: 1 }),
      relist('Node', '10', ['uid-b'], { ...parts, part: 2 }),
    ]);
    expect(Object.keys(s.nodes).sort()).toEqual(['uid-a', 'uid-b']);
    expect(s.pendingRelists).toEqual({});
  });

  it('lets a namespaced pod relist touch only its own namespace', () => {
    const s = fold([podObserved('a', '3', { namespace: 'x' }), podObserved('b', '3', { namespace: 'y' }), relist('Pod', '10', [], { namespace: 'x' })]);
    expect(Object.keys(s.pods)).toEqual(['uid-b']);
  });

  it('replaces the tombstones a relist covers by the relist itself (compaction)', () => {
    given(podObserved('a', '3'), podDeleted('a', '5'), podDeleted('b', '6'), relist('Pod', '10', [], { namespace: 'default' })).then((s) => {
      expect(s.tombstones.Pod).toEqual({});
      expect(Object.keys(s.relistFloors['Pod/default']!.gone).sort()).toEqual(['uid-a', 'uid-b']);
    });
  });

  it('forgets gone uids a day after they went: EventBridge delivers nothing older', () => {
    const later = {
      ...relist('Pod', '20', [], { namespace: 'default' }),
      time: new Date(Date.parse(relist('Pod', '1', []).time) + 25 * 3600_000).toISOString(),
    };
    const s = fold([podObserved('a', '3'), relist('Pod', '10', [], { namespace: 'default' }), later]);
    expect(s.relistFloors['Pod/default']!.gone).toEqual({});
  });

  it('recovers when resourceVersions go backwards (an etcd restore): a later list below the floor resets it, and records it', () => {
    const t = (event: Observation, hours: number) => ({ ...event, time: new Date(Date.parse(event.time) + hours * 3600_000).toISOString() });
    const s = fold([
      nodeObserved('kept', '95'),
      nodeObserved('lost', '97'), // created after the backup
      relist('Node', '100', ['uid-kept', 'uid-lost']),
      t(relist('Node', '20', ['uid-kept', 'uid-new']), 1), // after the restore: etcd is back at revision 20
      t(nodeObserved('new', '18'), 1),
      t(nodeObserved('kept', '21', { changed: 'yes' }), 1),
    ]);
    expect(Object.keys(s.nodes).sort()).toEqual(['uid-kept', 'uid-new']);
    expect(s.nodes['uid-kept']!.metadata!.labels).toEqual({ changed: 'yes' });
    expect(s.relistFloors['Node/*']).toMatchObject({ resourceVersion: '20', restoredFrom: '100' });
    // A late redelivery of an older list (an earlier time) is not a restore.
    const stale = fold([nodeObserved('kept', '95'), t(relist('Node', '100', ['uid-kept']), 1), relist('Node', '20', [])]);
    expect(Object.keys(stale.nodes)).toEqual(['uid-kept']);
    expect(stale.relistFloors['Node/*']!.restoredFrom).toBeUndefined();
  });

  it('keeps a DaemonSet until its deletion, then forgets it', () => {
    given(daemonSetObserved(aDaemonSet('agent', '4')), daemonSetDeleted('agent', '9')).then((s) => expect(s.daemonSets).toEqual({}));
  });
});

describe('evolve: order tolerance (property)', () => {
  // A random history of a cluster's nodes and its pods in two namespaces: creates, updates,
  // deletes, and relists (of nodes, of one namespace's pods, of all pods; in one or two parts).
  // Delivered out of order, with duplicates and stale redeliveries, it folds to the clean state.
  const op = fc.oneof(
    fc.record({
      op: fc.constantFrom('update' as const, 'delete' as const),
      kind: fc.constantFrom('Node' as const, 'Pod' as const),
      i: fc.integer({ min: 0, max: 5 }),
    }),
    fc.record({
      op: fc.constant('relist' as const),
      kind: fc.constantFrom('Node' as const, 'Pod' as const),
      namespace: fc.constantFrom(undefined, 'a', 'b'),
      split: fc.boolean(),
    }),
  );
  const history = fc.array(op, { minLength: 1, maxLength: 50 }).map((steps) => {
    const events: Observation[] = [];
    const alive = new Map<string, { uid: string; namespace?: string; observed: boolean }>(); // by kind/index
    let rv = 1;
    for (const step of steps) {
      rv++;
      if (step.op === 'relist') {
        const scope = [...alive.entries()].filter(
          ([slot, o]) => slot.startsWith(step.kind) && o.observed && (step.kind === 'Node' || step.namespace === undefined || o.namespace === step.namespace),
        );
        const uids = scope.map(([, o]) => o.uid);
        const namespace = step.kind === 'Pod' ? step.namespace : undefined;
        const halves = step.split ? [uids.slice(0, uids.length >> 1), uids.slice(uids.length >> 1)] : [uids];
        halves.forEach((part, n) =>
          events.push(relist(step.kind, String(rv), part, { ...(namespace ? { namespace } : {}), relistId: `r${rv}`, part: n + 1, parts: halves.length })),
        );
        continue;
      }
      const slot = `${step.kind}/${step.i}`;
      const namespace = step.kind === 'Pod' ? (step.i % 2 ? 'a' : 'b') : undefined;
      const object = alive.get(slot) ?? { uid: `${slot}@${rv}`, ...(namespace ? { namespace } : {}), observed: false };
      alive.set(slot, object);
      const name = object.uid.replace(/[/@]/g, '-').toLowerCase();
      if (step.op === 'update') {
        object.observed = true;
        const event = step.kind === 'Node' ? nodeObserved(name, String(rv), { step: String(rv) }) : podObserved(name, String(rv), { namespace: namespace! });
        if (event.type === 'NodeObserved') event.node.metadata!.uid = object.uid;
        else event.pod.metadata!.uid = object.uid;
        events.push(event);
      } else {
        const event = step.kind === 'Node' ? nodeDeleted(name, String(rv)) : podDeleted(name, String(rv), namespace);
        event.ref.uid = object.uid;
        events.push(event);
        alive.delete(slot);
      }
    }
    return events;
  });

  it('folds any reordering with duplicates to the state of the clean sequence', () => {
    fc.assert(
      fc.property(history, fc.infiniteStream(fc.nat()), fc.infiniteStream(fc.boolean()), (events, keys, dups) => {
        const clean = fold(events);
        const delivered = events.flatMap((e) => (dups.next().value ? [e, e] : [e]));
        const shuffled = delivered
          .map((e) => ({ e, k: keys.next().value as number }))
          .sort((a, b) => a.k - b.k)
          .map(({ e }) => e);
        expect(seen(fold(shuffled))).toEqual(seen(clean));
      }),
      { seed: 20261123, numRuns: 500 },
    );
  });
});

describe('evolve: decisions', () => {
  const withDaemonSet = (...events: LogEvent[]) => fold([decided(1), ...events]);

  it('records pending intents from a decision', () => {
    const s = withDaemonSet(createRequested(1, 'agent-a', 'n1', 5), deleteRequested(1, 'old-b', 5));
    const c = s.controllers['default/agent']!;
    expect(c.creates['agent-a']).toMatchObject({ nodeName: 'n1', hash: 'h1', requestedAt: '2026-01-01T00:00:05.000Z' });
    expect(c.deletes['old-b']).toMatchObject({ podUid: 'uid-old-b' });
  });

  it('ends an intent whose request failed or was already done, but not one that succeeded', () => {
    const s = withDaemonSet(
      createRequested(1, 'a', 'n1'),
      createRequested(1, 'b', 'n2'),
      createRequested(1, 'c', 'n3'),
      actionCompleted(1, 'create', 'a', 'failed'),
      actionCompleted(1, 'create', 'b', 'already-done'),
      actionCompleted(1, 'create', 'c', 'succeeded'),
    );
    expect(Object.keys(s.controllers['default/agent']!.creates)).toEqual(['c']);
  });

  it('does not let an outcome of an older decision end a newer intent of the same pod', () => {
    const s = withDaemonSet(createRequested(1, 'a', 'n1'), decided(2), createRequested(2, 'a', 'n1'), actionCompleted(1, 'create', 'a', 'failed'));
    expect(s.controllers['default/agent']!.creates.a!.decisionId).toMatch(/@2$/);
  });

  it('ends the intents a later decision saw fulfilled, and those past the expectations timeout', () => {
    const s = withDaemonSet(
      createRequested(1, 'seen', 'n1', 0),
      createRequested(1, 'old', 'n2', 0),
      createRequested(1, 'fresh', 'n3', 100),
      decided(2, 301, { streams: {}, settledIntents: { creates: ['seen'], deletes: [] } }),
    );
    expect(Object.keys(s.controllers['default/agent']!.creates)).toEqual(['fresh']);
  });

  it('starts afresh for a recreated DaemonSet (a new uid)', () => {
    const s = withDaemonSet(createRequested(1, 'a', 'n1'), decided(2, 0, { streams: {} }, 'ds-uid-2'));
    expect(s.controllers['default/agent']).toMatchObject({ daemonSetUid: 'ds-uid-2', creates: {} });
  });

  it('keeps one revision per hash, renumbered when an old template returns', () => {
    const revision = (n: number, hash: string) => ({ ...decided(n), type: 'RevisionRecorded' as const, revision: n, hash, template: {} });
    const s = withDaemonSet(revision(1, 'h1'), revision(2, 'h2'), revision(3, 'h1'));
    expect(s.controllers['default/agent']!.revisions.map((r) => [r.revision, r.hash])).toEqual([
      [2, 'h2'],
      [3, 'h1'],
    ]);
  });

  it('keeps scheduled timers until one at or after them fires', () => {
    const timer = (dueAt: string) => ({ ...decided(1), type: 'TimerScheduled' as const, dueAt, reason: 'minReadySeconds' });
    const fired = { ...decided(1), type: 'TimerFired' as const, daemonSet: 'c1/daemonsets/default/agent', dueAt: '2026-01-01T00:00:10.000Z' };
    const s = withDaemonSet(timer('2026-01-01T00:00:10.000Z'), timer('2026-01-01T00:00:30.000Z'), fired);
    expect(Object.keys(s.controllers['default/agent']!.timers)).toEqual(['2026-01-01T00:00:30.000Z']);
  });

  it('rejects an unknown event type loudly', () => {
    expect(() => evolve(emptyClusterState(), { type: 'Bogus' } as unknown as LogEvent)).toThrow(/unknown event type "Bogus"/);
  });
});

describe('snapshots and merging', () => {
  it('round-trips a state through a snapshot, Dates included', () => {
    const s = fold([
      nodeObserved('n1', '2'),
      podObserved('p1', '3', { readySince: new Date('2026-01-01T00:00:05Z'), owner: 'ds-uid' }),
      daemonSetObserved(),
      podDeleted('p2', '4'),
      decided(1),
      createRequested(1, 'a', 'n1'),
    ]);
    s.controllers['default/agent']!.failedPodBackoff = { n1: { delaySeconds: 2, since: new Date('2026-01-01T00:00:07Z') } };
    expect(fromSnapshot(toSnapshot(s))).toEqual(s);
  });

  it('refuses a snapshot of another fold version', () => {
    const snapshot = JSON.parse(toSnapshot(fold([nodeObserved('n1', '2')])));
    expect(fromSnapshot(JSON.stringify({ ...snapshot, foldVersion: snapshot.foldVersion + 1 }))).toBeUndefined();
  });

  it('merges per-stream states into the state of one fold over all their events', () => {
    const nodes = [nodeObserved('n1', '2'), relist('Node', '3', ['uid-n1'])];
    const pods = [podObserved('p1', '3'), podDeleted('p2', '4')];
    const daemonSet = [daemonSetObserved(), decided(1), createRequested(1, 'a', 'n1')];
    expect(mergeStates([fold(nodes), fold(pods), fold(daemonSet)])).toEqual(fold([...nodes, ...pods, ...daemonSet]));
  });
});

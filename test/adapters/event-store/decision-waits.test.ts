// The stored form of a decision's waits: a change against the stream's previous decision, read
// back in full by every reader — from the first commit, mid-stream by a fresh (cold) store, and
// after a lost race.
import { describe, expect, it } from 'vitest';
import { storedCommit } from '../../../functions/adapters/event-store/commit-item';
import { decodeEvents } from '../../../functions/adapters/event-store/codec';
import { KEYFRAME_EVERY_COMMITS } from '../../../functions/adapters/event-store/decision-waits';
import { InMemoryEventStore, type InMemoryItems } from '../../../functions/adapters/event-store/in-memory';
import type { Commit } from '../../../functions/adapters/event-store/port';
import * as E from '../../../domain/events';
import type { Wait } from '../../../domain/types';
import { waitFor } from '../../../domain/waits';
import { actionCompleted, decided, DS_STREAM } from '../../log/fixtures';

const NODES = 5_000;
/** The waits of a maxUnavailable-1 rolling update whose `updating`th node is being replaced. */
const rollout = (updating: number): Wait[] => [
  waitFor.notReady(`node-${updating}`),
  ...Array.from({ length: NODES - updating - 1 }, (_, i) => waitFor.budget(`node-${updating + 1 + i}`, 'maxUnavailable', 1, 1)),
];
const decision = (commit: number, waits: Wait[]): E.ReconcileDecided => ({ ...decided(commit), waits });

const stored = (items: InMemoryItems, commit: number): E.LogEvent[] => decodeEvents(storedCommit(items.get(DS_STREAM)![commit - 1]!).events);
const storedBytes = (items: InMemoryItems, commit: number): number => (storedCommit(items.get(DS_STREAM)![commit - 1]!).events as Uint8Array).byteLength;
const decidedIn = (events: E.LogEvent[]): E.ReconcileDecided => events.find((e): e is E.ReconcileDecided => e.type === E.RECONCILE_DECIDED)!;
async function readAll(store: InMemoryEventStore, from = 1): Promise<Commit[]> {
  const out: Commit[] = [];
  for await (const c of store.read(DS_STREAM, from)) out.push(c);
  return out;
}

/** Decisions of a rollout, each followed by an outcome commit: the writer reads to the head first, as a reconcile does. */
async function writeRollout(store: InMemoryEventStore, steps: number, first = 0): Promise<void> {
  for (let step = first; step < first + steps; step++) {
    const head = await store.latestCommit(DS_STREAM);
    for await (const _ of store.read(DS_STREAM, head)) void _;
    await store.append(DS_STREAM, head, [decision(head + 1, rollout(step))]);
    await store.append(DS_STREAM, head + 1, [actionCompleted(head + 1, 'create', `pod-${step}`, 'failed')]);
  }
}

describe('a decision recorded as a change of waits', () => {
  it('stores the first decision in full and the next ones as small changes, and reads them all in full', async () => {
    const items: InMemoryItems = new Map();
    const store = new InMemoryEventStore(undefined, { items });
    await writeRollout(store, 5);
    expect(decidedIn(stored(items, 1)).waits).toHaveLength(NODES);
    expect(decidedIn(stored(items, 1)).waitsChange).toBeUndefined();
    const change = decidedIn(stored(items, 3));
    expect(change.waits).toEqual([]);
    expect(change.waitsChange).toMatchObject({ since: `${DS_STREAM}@1`, keyframe: 1 });
    expect(storedBytes(items, 3) * 20).toBeLessThan(storedBytes(items, 1)); // ~1 write unit, not ~19

    const commits = await readAll(new InMemoryEventStore(undefined, { items }));
    const decisions = commits.flatMap((c) => c.events).filter((e): e is E.ReconcileDecided => e.type === E.RECONCILE_DECIDED);
    expect(decisions.map((d) => d.waits)).toEqual([0, 1, 2, 3, 4].map(rollout));
    expect(decisions.every((d) => d.waitsChange === undefined)).toBe(true); // readers (and an export) see the full form only
  });

  it('materialises a read that starts mid-stream, as a fold from a snapshot does, on a cold store', async () => {
    const items: InMemoryItems = new Map();
    await writeRollout(new InMemoryEventStore(undefined, { items }), 6);
    const cold = new InMemoryEventStore(undefined, { items });
    const tail = await readAll(cold, 8); // commit 8 is an outcome; 9 a change against commit 7's decision
    expect(tail.map((c) => c.commit)).toEqual([8, 9, 10, 11, 12]);
    expect(decidedIn(tail[1]!.events).waits).toEqual(rollout(4));
    expect(decidedIn(tail[3]!.events).waits).toEqual(rollout(5));
    // …and having read to the head, that store writes the next decision as a change again.
    await writeRollout(cold, 1, 6);
    expect(decidedIn(stored(items, 13)).waitsChange?.since).toBe(`${DS_STREAM}@11`);
    expect(decidedIn((await readAll(new InMemoryEventStore(undefined, { items }), 13))[0]!.events).waits).toEqual(rollout(6));
  });

  it('writes a keyframe when the previous decision is unknown, and after KEYFRAME_EVERY_COMMITS', async () => {
    const items: InMemoryItems = new Map();
    await writeRollout(new InMemoryEventStore(undefined, { items }), 2);
    const fresh = new InMemoryEventStore(undefined, { items }); // has read nothing: no base
    await fresh.append(DS_STREAM, 4, [decision(5, rollout(2))]);
    expect(decidedIn(stored(items, 5)).waitsChange).toBeUndefined();
    expect(decidedIn(stored(items, 5)).waits).toEqual(rollout(2));

    const store = new InMemoryEventStore(undefined, { items });
    await writeRollout(store, KEYFRAME_EVERY_COMMITS / 2 + 2, 3);
    const keyframes = [...Array(items.get(DS_STREAM)!.length).keys()]
      .map((i) => i + 1)
      .filter((n) => stored(items, n).some((e) => e.type === E.RECONCILE_DECIDED && e.waitsChange === undefined));
    expect(keyframes[0]).toBe(1);
    expect(keyframes).toContain(5);
    expect(keyframes.length).toBe(3); // 1, 5 and one more once 5 is KEYFRAME_EVERY_COMMITS behind
    for (let n = 1; n <= items.get(DS_STREAM)!.length; n++) {
      const change = decidedIn(stored(items, n))?.waitsChange;
      if (change) expect(n - change.keyframe).toBeLessThanOrEqual(KEYFRAME_EVERY_COMMITS); // a cold reader walks back at most this far
    }
    const all = (await readAll(new InMemoryEventStore(undefined, { items })))
      .flatMap((c) => c.events)
      .filter((e): e is E.ReconcileDecided => e.type === E.RECONCILE_DECIDED);
    expect(all.at(-1)!.waits).toEqual(rollout(KEYFRAME_EVERY_COMMITS / 2 + 4));
  });

  it('encodes against the decision actually at the expected commit after a lost race', async () => {
    const items: InMemoryItems = new Map();
    const a = new InMemoryEventStore(undefined, { items });
    const b = new InMemoryEventStore(undefined, { items });
    await writeRollout(a, 1);
    for await (const _ of b.read(DS_STREAM)) void _; // b knows commit 2
    await a.append(DS_STREAM, 2, [decision(3, rollout(7))]); // a wins commit 3
    await expect(b.append(DS_STREAM, 2, [decision(3, rollout(1))])).rejects.toThrow(/StreamVersionConflict|already exists/);
    for await (const _ of b.read(DS_STREAM, 3)) void _; // b re-reads and re-decides
    await b.append(DS_STREAM, 3, [decision(4, rollout(8))]);
    expect(decidedIn(stored(items, 4)).waitsChange?.since).toBe(`${DS_STREAM}@3`);
    const read = await readAll(new InMemoryEventStore(undefined, { items }));
    expect(read.map((c) => decidedIn(c.events)?.waits)).toEqual([rollout(0), undefined, rollout(7), rollout(8)]);
  });

  it('re-reads the commit it just appended from the decision before it, without walking back to the keyframe', async () => {
    const items: InMemoryItems = new Map();
    const store = new InMemoryEventStore(undefined, { items, hashChain: false });
    await writeRollout(store, 3);
    items.get(DS_STREAM)![0] = undefined; // the keyframe is gone: a walk back would fail
    const tail = await readAll(store, 5); // as a warm fold one commit behind the append reads
    expect(decidedIn(tail[0]!.events).waits).toEqual(rollout(2));
    await expect(readAll(new InMemoryEventStore(undefined, { items, hashChain: false }), 5)).rejects.toThrow(/change against/); // a cold store must walk back
  });

  it('refuses, naming the decision, a change whose base is not the decision before it', async () => {
    const items: InMemoryItems = new Map();
    const store = new InMemoryEventStore(undefined, { items, hashChain: false });
    await writeRollout(store, 3);
    items.get(DS_STREAM)![2] = undefined; // delete a decision and its outcome: commit 5's base is gone
    items.get(DS_STREAM)![3] = undefined;
    const broken = new InMemoryEventStore(undefined, { items, hashChain: false });
    await expect(readAll(broken)).rejects.toThrow(/decision .*@5 \(commit 5\) stores its waits as a change against .*@3, but the decision before it is .*@1/);
  });
});

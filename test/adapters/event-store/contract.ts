// The EventStore contract, one suite for every backend: in memory, dynalite and DynamoDB Local.
import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../../../domain/events';
import { encodeEvents } from '../../../functions/adapters/event-store/codec';
import type { CommitItem } from '../../../functions/adapters/event-store/commit-item';
import { commitHash } from '../../../functions/adapters/event-store/hash-chain';
import { EVENT_LOG_EVENTS_ATTRIBUTE, EVENT_LOG_HASH_ATTRIBUTE, EVENT_LOG_PREVIOUS_HASH_ATTRIBUTE } from '../../../functions/adapters/event-store/keys';
import { isChainBroken, isCommitTooLarge, isStreamVersionConflict, type EventStore } from '../../../functions/adapters/event-store/port';
import { storedCommit } from '../../../functions/adapters/event-store/commit-item';
import { CLUSTER, nodeObserved, podObserved } from '../../log/fixtures';

/** The backend's raw items, reached past the store: what a writer with PutItem/DeleteItem on the table could do. */
export interface RawItems {
  get(streamId: string, commit: number): Promise<CommitItem>;
  put(item: CommitItem): Promise<void>;
  delete(streamId: string, commit: number): Promise<void>;
}

export interface StoreUnderTest {
  store: EventStore;
  /** A second store on the same items: a process that has cached nothing. */
  fresh(): EventStore;
  items: RawItems;
}

/** A commit's payload replaced by another, as an attacker with PutItem would: keeping its hash, or re-hashing it. */
async function forge(items: RawItems, streamId: string, commit: number, rehash: boolean): Promise<void> {
  const item = await items.get(streamId, commit);
  const forged: CommitItem = { ...item, [EVENT_LOG_EVENTS_ATTRIBUTE]: encodeEvents([nodeObserved('forged', '999999')]) };
  if (rehash) forged[EVENT_LOG_HASH_ATTRIBUTE] = commitHash({ ...storedCommit(forged), previous: forged[EVENT_LOG_PREVIOUS_HASH_ATTRIBUTE] as Uint8Array });
  await items.put(forged);
}

const collect = async <T>(items: AsyncIterable<T>): Promise<T[]> => {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
};

let streams = 0;
const freshStream = (kind = 'nodes') => `${CLUSTER}/${kind}-${++streams}-${Math.random().toString(36).slice(2, 8)}`;

/** Text that does not compress: commits are stored deflated. */
const noise = (length: number): string => {
  let text = '';
  while (text.length < length) text += Math.random().toString(36).slice(2);
  return text.slice(0, length);
};

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

export function eventStoreContract(name: string, subject: () => StoreUnderTest): void {
  describe(`EventStore contract: ${name}`, () => {
    const store = () => subject().store;

    it('numbers a new stream’s first commit 1 and reads its events back, Dates restored', async () => {
      const stream = freshStream();
      const pod = podObserved('p1', '7', { readySince: new Date('2026-01-01T00:00:05Z') });
      const commit = await store().append(stream, 0, [nodeObserved('n1', '5'), pod]);
      expect(commit.commit).toBe(1);
      const [read] = await collect(store().read(stream));
      expect(read!.commit).toBe(1);
      expect(read!.events).toEqual([nodeObserved('n1', '5'), pod]);
      expect(read!.events[1]!.type === 'PodObserved' && read!.events[1]!.pod.status!.conditions![0]!.lastTransitionTime).toBeInstanceOf(Date);
    });

    it('reads from a given commit, in order', async () => {
      const stream = freshStream();
      for (let n = 0; n < 4; n++) await store().append(stream, n, [nodeObserved('n1', String(n + 1))]);
      const read = await collect(store().read(stream, 3));
      expect(read.map((c) => c.commit)).toEqual([3, 4]);
      expect(await store().latestCommit(stream)).toBe(4);
      expect(await store().latestCommit(freshStream())).toBe(0);
    });

    it('refuses a second commit with the same number as a StreamVersionConflict', async () => {
      const stream = freshStream();
      await store().append(stream, 0, [nodeObserved('n1', '1')]);
      const error = await caught(store().append(stream, 0, [nodeObserved('n1', '2')]));
      expect(isStreamVersionConflict(error)).toBe(true);
      expect(error).toMatchObject({ code: 'StreamVersionConflict', streamId: stream, expected: 0 });
      expect((await collect(store().read(stream)))[0]!.events).toEqual([nodeObserved('n1', '1')]);
    });

    it('refuses to leave a gap: the expected commit must exist', async () => {
      const stream = freshStream();
      await store().append(stream, 0, [nodeObserved('n1', '1')]);
      const error = await caught(store().append(stream, 2, [nodeObserved('n1', '2')]));
      expect(isStreamVersionConflict(error)).toBe(true);
      expect((error as Error).message).toMatch(/commit 2 does not exist/);
      expect(await store().latestCommit(stream)).toBe(1);
    });

    it('refuses a commit over the item limit, naming its size, and writes nothing', async () => {
      const stream = freshStream();
      const big: LogEvent[] = Array.from({ length: 30 }, (_, i) => nodeObserved(`n${i}`, '1', { blob: noise(25_000) }));
      const error = await caught(store().append(stream, 0, big));
      expect(isCommitTooLarge(error)).toBe(true);
      expect((error as Error).message).toMatch(/a commit of \d+ bytes is over DynamoDB's 409600-byte item limit/);
      expect(await store().latestCommit(stream)).toBe(0);
    });

    it('pages through a stream longer than one query page (1 MB)', async () => {
      const stream = freshStream();
      for (let n = 0; n < 30; n++) await store().append(stream, n, [nodeObserved(`n${n}`, '1', { blob: noise(60_000) })]);
      const read = await collect(store().read(stream));
      expect(read.map((c) => c.commit)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    });

    it('lists a cluster’s streams once each, by prefix, and no other cluster’s', async () => {
      const nodes = `${CLUSTER}/nodes`;
      const ds = `${CLUSTER}/daemonsets/default/listed-${Math.random().toString(36).slice(2, 8)}`;
      const other = `other/nodes`;
      await store().append(nodes, await store().latestCommit(nodes), [nodeObserved('n1', '1')]);
      await store().append(ds, 0, [nodeObserved('n1', '1')]);
      await store().append(ds, 1, [nodeObserved('n1', '2')]);
      await store().append(other, 0, [{ ...nodeObserved('n1', '1'), clusterId: 'other' }]);
      const all = await store().listStreams(CLUSTER);
      expect(all).toContain(nodes);
      expect(all.filter((s) => s === ds)).toHaveLength(1);
      expect(all).not.toContain(other);
      const daemonSets = await store().listStreams(CLUSTER, `${CLUSTER}/daemonsets/`);
      expect(daemonSets).toContain(ds);
      expect(daemonSets).not.toContain(nodes);
    });

    it('keeps snapshots beside the stream and returns the newest, even one larger than an item', async () => {
      const stream = freshStream();
      expect(await store().loadSnapshot(stream)).toBeUndefined();
      await store().saveSnapshot(stream, { commit: 100, state: '{"a":1}' });
      // Random text barely compresses: this one needs several 350 KB chunks.
      const large = JSON.stringify(Array.from({ length: 150_000 }, () => Math.random().toString(36)));
      await store().saveSnapshot(stream, { commit: 200, state: large });
      const loaded = await store().loadSnapshot(stream);
      expect(loaded?.commit).toBe(200);
      expect(loaded?.state === large).toBe(true); // not toEqual: a diff of megabytes helps no one
      expect(await store().listStreams(CLUSTER)).not.toContain(`${stream}#snapshot`);
    });

    describe('the hash chain: a read verifies every commit it returns and its link to the one before', () => {
      const fiveCommits = async () => {
        const stream = freshStream('chained');
        for (let n = 0; n < 5; n++) await store().append(stream, n, [nodeObserved(`n${n}`, String(n + 1))]);
        return stream;
      };
      const readAll = async (from?: number) =>
        collect(
          subject()
            .fresh()
            .read(await fiveCommits(), from),
        );
      const brokenAt = async (stream: string, from?: number) => {
        const error = await caught(collect(subject().fresh().read(stream, from)));
        expect(isChainBroken(error), String(error)).toBe(true);
        return error as { commit: number; streamId: string; message: string };
      };

      it('reads back an untouched stream, whole and from any commit', async () => {
        expect((await readAll()).map((c) => c.commit)).toEqual([1, 2, 3, 4, 5]);
        expect((await readAll(3)).map((c) => c.commit)).toEqual([3, 4, 5]);
      });

      it('names a commit whose payload was rewritten under its old hash', async () => {
        const stream = await fiveCommits();
        await forge(subject().items, stream, 3, false);
        const error = await brokenAt(stream);
        expect(error).toMatchObject({ streamId: stream, commit: 3 });
        expect(error.message).toMatch(/contents do not match its hash/);
        expect((await brokenAt(stream, 3)).commit).toBe(3);
      });

      it('names a commit replaced by a re-hashed forgery: the next commit was chained to the original', async () => {
        const stream = await fiveCommits();
        await forge(subject().items, stream, 3, true);
        const error = await brokenAt(stream);
        expect(error.commit).toBe(3);
        expect(error.message).toMatch(/commit 4 was chained to a different commit 3/);
        expect((await brokenAt(stream, 4)).commit).toBe(3); // a tail read checks its seam too
      });

      it('names a deleted middle commit as missing', async () => {
        const stream = await fiveCommits();
        await subject().items.delete(stream, 2);
        const error = await brokenAt(stream);
        expect(error.commit).toBe(2);
        expect(error.message).toMatch(/missing/);
      });

      it('chains an append to the stored head, so a head rewritten before the next append is still caught', async () => {
        const stream = await fiveCommits();
        await forge(subject().items, stream, 5, false);
        const writer = subject().fresh();
        await writer.append(stream, await writer.latestCommit(stream), [nodeObserved('n6', '6')]);
        expect((await brokenAt(stream)).commit).toBe(5);
      });

      it('refuses a commit that carries no chain hash', async () => {
        const stream = await fiveCommits();
        const { [EVENT_LOG_HASH_ATTRIBUTE]: _hash, [EVENT_LOG_PREVIOUS_HASH_ATTRIBUTE]: _previous, ...bare } = await subject().items.get(stream, 4);
        await subject().items.put(bare);
        const error = await brokenAt(stream);
        expect(error).toMatchObject({ commit: 4 });
        expect(error.message).toMatch(/carries no chain hash/);
      });
    });

    it('lets exactly one of 20 concurrent appenders win each commit: no gap, no duplicate, nothing lost on retry', async () => {
      const stream = freshStream('race');
      const writers = Array.from({ length: 20 }, (_, i) => nodeObserved(`writer-${i}`, '1'));
      const first = await Promise.allSettled(writers.map((event) => store().append(stream, 0, [event])));
      const winners = first.filter((r) => r.status === 'fulfilled');
      const losers = first.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(winners).toHaveLength(1);
      expect(losers.every((r) => isStreamVersionConflict(r.reason))).toBe(true);

      const pending = writers.filter((_, i) => first[i]!.status === 'rejected');
      await Promise.all(
        pending.map(async (event) => {
          for (;;) {
            try {
              return await store().append(stream, await store().latestCommit(stream), [event]);
            } catch (error) {
              if (!isStreamVersionConflict(error)) throw error;
            }
          }
        }),
      );
      const commits = await collect(store().read(stream));
      expect(commits.map((c) => c.commit)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      const names = commits.flatMap((c) => c.events.map((e) => (e.type === 'NodeObserved' ? e.node.metadata!.name : '')));
      expect(names.sort()).toEqual(writers.map((w) => w.node.metadata!.name).sort());
    });
  });
}

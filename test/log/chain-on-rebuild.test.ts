// A rebuild reads through the hash chain: from a snapshot, the tail it folds is checked back to
// the commit the snapshot ends at, so a commit rewritten after the snapshot stops the rebuild with
// a ChainBroken naming it — snapshots do not let a forged tail through.
import { describe, expect, it } from 'vitest';
import { encodeEvents } from '../../functions/adapters/event-store/codec';
import { InMemoryEventStore, type InMemoryItems } from '../../functions/adapters/event-store/in-memory';
import { EVENT_LOG_EVENTS_ATTRIBUTE } from '../../functions/adapters/event-store/keys';
import { isChainBroken } from '../../functions/adapters/event-store/port';
import { nodesStreamId } from '../../domain/streams';
import { EventLog } from '../../functions/log/event-log';
import { at, CLUSTER, daemonSetObserved, nodeObserved } from './fixtures';

const key = { clusterId: CLUSTER, namespace: 'default', name: 'agent' };

describe('rebuild through the hash chain', () => {
  it('rebuilds from a snapshot, and fails naming a tail commit rewritten after it', async () => {
    const items: InMemoryItems = new Map();
    const store = new InMemoryEventStore(undefined, { items });
    const log = new EventLog(store, { snapshotEvery: 3 });
    await log.appendObservations([daemonSetObserved()]);
    for (let n = 1; n <= 5; n++) {
      await log.appendObservations([nodeObserved(`n${n}`, String(n))]);
      await log.rebuild(key, at(0)); // folds as it goes: a snapshot at commit 3 of the nodes stream
    }
    expect((await store.loadSnapshot(nodesStreamId(CLUSTER)))?.commit).toBe(3);
    const fresh = () => new EventLog(store, { snapshotEvery: 3 }); // a cold process: starts from the snapshot
    expect((await fresh().rebuild(key, at(0))).input?.nodes).toHaveLength(5);

    const nodes = items.get(nodesStreamId(CLUSTER))!;
    nodes[4] = { ...nodes[4]!, [EVENT_LOG_EVENTS_ATTRIBUTE]: encodeEvents([nodeObserved('forged', '99')]) }; // commit 5, after the snapshot
    const error = await fresh()
      .rebuild(key, at(0))
      .catch((e: unknown) => e);
    expect(isChainBroken(error), String(error)).toBe(true);
    expect(error).toMatchObject({ streamId: nodesStreamId(CLUSTER), commit: 5 });
  });
});

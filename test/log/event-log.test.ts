// The log as the handlers use it, on dynalite: observations routed and deduplicated, decisions at
// an expected commit, state rebuilt from snapshots and tails — and the failures in between.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyClusterState, FOLD_VERSION, toSnapshot } from '../../domain/cluster-state';
import { decisionEvents } from '../../domain/decision-events';
import type { Decision, LogEvent } from '../../domain/events';
import { fold } from '../../domain/evolve';
import { reconcile } from '../../domain/index';
import type { DaemonSetKey } from '../../domain/streams';
import { DynamoDbEventStore } from '../../functions/adapters/event-store/dynamodb';
import { isStreamVersionConflict, type Commit, type EventStore } from '../../functions/adapters/event-store/port';
import { createEventLogTable } from '../../functions/adapters/event-store/table';
import { EventLog } from '../../functions/log/event-log';
import { startDynalite, type DynamoDbServer } from '../support/dynalite';
import { actionCompleted, aDaemonSet, at, CLUSTER, daemonSetObserved, nodeObserved, podObserved, relist } from './fixtures';

let server: DynamoDbServer;
let tables = 0;
beforeAll(async () => {
  server = await startDynalite();
});
afterAll(() => server.close());

async function freshStore(): Promise<DynamoDbEventStore> {
  const table = `log-${++tables}`;
  await createEventLogTable(server.client, table);
  return new DynamoDbEventStore(server.client, table);
}

const key: DaemonSetKey = { clusterId: CLUSTER, namespace: 'default', name: 'agent' };
const collect = async (commits: AsyncIterable<Commit>): Promise<Commit[]> => {
  const all: Commit[] = [];
  for await (const c of commits) all.push(c);
  return all;
};
const eventsOf = async (store: EventStore, stream: string): Promise<LogEvent[]> => (await collect(store.read(stream))).flatMap((c) => c.events);

/** One reconcile as the handler runs it, up to the decision's append. */
async function decide(log: EventLog, now: Date): Promise<{ commit: number; events: Decision[] }> {
  const rebuilt = await log.rebuild(key, now);
  const result = reconcile(rebuilt.input!);
  const events = decisionEvents({ key, commit: rebuilt.daemonSetCommit + 1, input: rebuilt.input!, result, marks: rebuilt.marks });
  return { ...(await log.appendDecision(key, rebuilt.daemonSetCommit, events)), events };
}

const cluster = [daemonSetObserved(), nodeObserved('n1', '2'), nodeObserved('n2', '3'), podObserved('other', '4', { labels: { app: 'db' } })];

describe('EventLog.appendObservations', () => {
  it('routes each observation to its stream: nodes, pods of a namespace, one DaemonSet', async () => {
    const store = await freshStore();
    await new EventLog(store).appendObservations([...cluster, podObserved('p', '5', { namespace: 'kube-system' })]);
    expect((await eventsOf(store, 'c1/nodes')).length).toBe(2);
    expect((await eventsOf(store, 'c1/pods/default')).length).toBe(1);
    expect((await eventsOf(store, 'c1/pods/kube-system')).length).toBe(1);
    expect((await eventsOf(store, 'c1/daemonsets/default/agent')).length).toBe(1);
    expect(await new EventLog(store).daemonSetsOfCluster(CLUSTER)).toEqual([key]);
  });

  it('sends a relist of DaemonSets, or of pods in every namespace, to each such stream', async () => {
    const store = await freshStore();
    const log = new EventLog(store);
    await log.appendObservations([
      daemonSetObserved(),
      daemonSetObserved(aDaemonSet('other', '3', 'uid-2')),
      podObserved('a', '4'),
      podObserved('b', '5', { namespace: 'x' }),
    ]);
    await log.appendObservations([relist('DaemonSet', '10', ['ds-uid', 'uid-2']), relist('Pod', '11', ['uid-a', 'uid-b'])]);
    for (const stream of ['c1/daemonsets/default/agent', 'c1/daemonsets/default/other'])
      expect((await eventsOf(store, stream)).at(-1)!.type).toBe('RelistCompleted');
    for (const stream of ['c1/pods/default', 'c1/pods/x']) expect((await eventsOf(store, stream)).at(-1)!.type).toBe('RelistCompleted');
  });

  it('writes an exact duplicate once, and skips a redelivery it has just written', async () => {
    const store = await freshStore();
    const log = new EventLog(store);
    await log.appendObservations([nodeObserved('n1', '2'), nodeObserved('n1', '2')]);
    await log.appendObservations([nodeObserved('n1', '2')]);
    expect(await store.latestCommit('c1/nodes')).toBe(1);
    expect(await eventsOf(store, 'c1/nodes')).toHaveLength(1);
  });

  it('splits a large batch over several commits, each under the item limit, losing nothing', async () => {
    const store = await freshStore();
    const big = Array.from({ length: 1500 }, (_, i) => nodeObserved(`node-${i}`, '2', { pool: 'p'.repeat(200) }));
    await new EventLog(store).appendObservations(big);
    expect(await store.latestCommit('c1/nodes')).toBeGreaterThan(1);
    expect(await eventsOf(store, 'c1/nodes')).toHaveLength(1500);
  });

  it('survives 20 concurrent appenders on one stream: every event lands once, commits stay contiguous', async () => {
    const store = await freshStore();
    const writers = Array.from({ length: 20 }, () => new EventLog(store)); // 20 Lambdas, none aware of the others
    await Promise.all(writers.map((log, i) => log.appendObservations([nodeObserved(`n${i}`, '2')])));
    const commits = await collect(store.read('c1/nodes'));
    expect(commits.map((c) => c.commit)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(commits.flatMap((c) => c.events)).toHaveLength(20);
  });
});

describe('EventLog.rebuild and decisions', () => {
  it('rebuilds a DaemonSet’s input from its three streams, with the marks of what it read', async () => {
    const store = await freshStore();
    const log = new EventLog(store);
    await log.appendObservations(cluster);
    const rebuilt = await log.rebuild(key, at(60));
    expect(rebuilt.input!.nodes).toHaveLength(2);
    expect(rebuilt.input!.pods).toEqual([]);
    expect(rebuilt.input!.now).toEqual(at(60));
    expect(rebuilt.daemonSetCommit).toBe(1);
    expect(rebuilt.marks).toEqual({
      streams: { 'c1/nodes': 1, 'c1/pods/default': 1, 'c1/daemonsets/default/agent': 1 },
      daemonSetUid: 'ds-uid',
      daemonSetResourceVersion: '1',
      settledIntents: { creates: [], deletes: [] },
    });
    expect((await log.rebuild({ ...key, name: 'unknown' }, at(60))).input).toBeUndefined();
  });

  it('lets only one of two concurrent reconcilers append its decision; the loser sees the winner’s intents', async () => {
    const store = await freshStore();
    await new EventLog(store).appendObservations(cluster);
    const [a, b] = [new EventLog(store), new EventLog(store)];
    const [ra, rb] = await Promise.all([a.rebuild(key, at(1)), b.rebuild(key, at(1))]);
    const decisionOf = (r: typeof ra) => decisionEvents({ key, commit: r.daemonSetCommit + 1, input: r.input!, result: reconcile(r.input!), marks: r.marks });
    const outcomes = await Promise.allSettled([
      a.appendDecision(key, ra.daemonSetCommit, decisionOf(ra)),
      b.appendDecision(key, rb.daemonSetCommit, decisionOf(rb)),
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const lost = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected')!;
    expect(isStreamVersionConflict(lost.reason)).toBe(true);
    const retry = await b.rebuild(key, at(2));
    expect(reconcile(retry.input!).create).toEqual([]);
  });

  it('keeps a decision’s intents across a crash before they were applied (a cold process rebuilds them)', async () => {
    const store = await freshStore();
    await new EventLog(store).appendObservations(cluster);
    const { events } = await decide(new EventLog(store), at(10)); // …and the process dies here
    const creates = events.filter((e) => e.type === 'PodCreateRequested');
    expect(creates).toHaveLength(2);
    const cold = await new EventLog(store).rebuild(key, at(20));
    expect(Object.keys(cold.state.controllers['default/agent']!.creates).sort()).toEqual(creates.map((c) => c.podName).sort());
    expect(cold.input!.pods.map((p) => p.metadata!.name).sort()).toEqual(creates.map((c) => c.podName).sort());
    expect(reconcile(cold.input!).create).toEqual([]);
  });

  it('ends an intent whose create failed, so the next reconcile asks again', async () => {
    const store = await freshStore();
    const log = new EventLog(store);
    await log.appendObservations(cluster);
    const { events } = await decide(log, at(10));
    const failed = events.filter((e) => e.type === 'PodCreateRequested').map((e) => actionCompleted(2, 'create', e.podName, 'failed'));
    await log.appendOutcomes(key, failed);
    const rebuilt = await log.rebuild(key, at(11));
    expect(rebuilt.input!.pods).toEqual([]);
    expect(reconcile(rebuilt.input!).create).toHaveLength(2);
  });

  it('closes an intent once its pod is observed, through the next decision’s marks', async () => {
    const store = await freshStore();
    const log = new EventLog(store);
    await log.appendObservations(cluster);
    const { events } = await decide(log, at(10));
    const podNames = events.flatMap((e) => (e.type === 'PodCreateRequested' ? [{ name: e.podName, node: e.nodeName }] : []));
    await log.appendObservations(podNames.map(({ name, node }, i) => podObserved(name, String(10 + i), { node, owner: 'ds-uid' })));
    const seen = await log.rebuild(key, at(11));
    expect(seen.marks.settledIntents!.creates.sort()).toEqual(podNames.map((p) => p.name).sort());
    await decide(log, at(12));
    expect((await log.rebuild(key, at(13))).state.controllers['default/agent']!.creates).toEqual({});
  });

  it('replays a DaemonSet’s history in commit order', async () => {
    const store = await freshStore();
    const log = new EventLog(store);
    await log.appendObservations(cluster);
    await decide(log, at(10));
    expect((await collect(log.history(key))).map((c) => [c.commit, c.events[0]!.type])).toEqual([
      [1, 'DaemonSetObserved'],
      [2, 'ReconcileDecided'],
    ]);
  });
});

describe('EventLog snapshots', () => {
  /** Counts the commits a store hands out, to tell a snapshot + tail from a full replay. */
  const counting = (store: EventStore) => {
    const counted = { commits: 0 };
    const wrapped: EventStore = {
      ...store,
      read: async function* (streamId, from) {
        for await (const c of store.read(streamId, from)) {
          counted.commits++;
          yield c;
        }
      },
      latestCommit: (s) => store.latestCommit(s),
      append: (s, e, ev) => store.append(s, e, ev),
      listStreams: (c, p) => store.listStreams(c, p),
      saveSnapshot: (s, snap) => store.saveSnapshot(s, snap),
      loadSnapshot: (s) => store.loadSnapshot(s),
    };
    return { store: wrapped, counted };
  };

  it('rebuilds from the newest snapshot plus the tail, to the same state as a full replay', async () => {
    const store = await freshStore();
    const writer = new EventLog(store, { snapshotEvery: 5 });
    await writer.appendObservations(cluster);
    for (let i = 0; i < 12; i++) await writer.appendObservations([nodeObserved('n1', String(10 + i), { step: String(i) })]);
    await writer.rebuild(key, at(1)); // folds 13 node commits: writes a snapshot at 13
    for (let i = 0; i < 3; i++) await writer.appendObservations([nodeObserved('n2', String(30 + i))]);

    const { store: spy, counted } = counting(store);
    const cold = await new EventLog(spy, { snapshotEvery: 5 }).rebuild(key, at(2));
    expect(counted.commits).toBe(3 + 1 + 1); // the 3 node commits after the snapshot; pods and DaemonSet streams (1 commit each) had none
    const replayed = fold((await collect(store.read('c1/nodes'))).flatMap((c) => c.events));
    expect(cold.state.nodes).toEqual(replayed.nodes);
  });

  it('snapshots a large state only once its tail holds as many events as the state holds objects', async () => {
    const store = await freshStore();
    const log = new EventLog(store, { snapshotEvery: 2 });
    const fifty = Array.from({ length: 50 }, (_, i) => nodeObserved(`big-${i}`, String(100 + i)));
    await log.appendObservations([...cluster, ...fifty]); // one commit: 52 nodes
    await log.appendObservations([nodeObserved('n1', '200', { step: '0' })]);
    await log.rebuild(key, at(1)); // 2 commits, 53 events ≥ 52 objects
    expect((await store.loadSnapshot('c1/nodes'))?.commit).toBe(2);
    for (let i = 1; i <= 10; i++) await log.appendObservations([nodeObserved('n1', String(200 + i), { step: String(i) })]);
    await log.rebuild(key, at(2)); // 10 commits past snapshotEvery, but 10 events < 52 objects: a 52-object snapshot would outweigh them
    expect((await store.loadSnapshot('c1/nodes'))?.commit).toBe(2);
    for (let i = 11; i <= 52; i++) await log.appendObservations([nodeObserved('n1', String(200 + i), { step: String(i) })]);
    await log.rebuild(key, at(3)); // 52 events since: due
    expect((await store.loadSnapshot('c1/nodes'))?.commit).toBe(54);
  });

  it('ignores a snapshot written by another fold version and replays the stream instead', async () => {
    const store = await freshStore();
    await new EventLog(store).appendObservations(cluster);
    const foreign = JSON.stringify({ ...JSON.parse(toSnapshot(emptyClusterState())), foldVersion: FOLD_VERSION + 1 });
    await store.saveSnapshot('c1/nodes', { commit: 1, state: foreign });
    const rebuilt = await new EventLog(store).rebuild(key, at(1));
    expect(rebuilt.input!.nodes).toHaveLength(2);
  });
});

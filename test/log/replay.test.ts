// Replay decides every recorded decision again from the log: a real rolling update replays
// exactly, reading each stream once; a forged or altered decision is reported, and only it.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as E from '../../domain/events';
import { daemonSetStreamId, nodesStreamId, podsStreamId } from '../../domain/streams';
import type { Commit } from '../../functions/adapters/event-store/port';
import { eventLogOf, type EventLogSource } from '../../functions/cli/event-log-source';
import { replayDecisions, type ReadStream } from '../../functions/log/replay';
import { agentDaemonSet, isAvailable, livePodsByNode, NAMESPACE, startHarness, type Harness } from '../e2e/harness';

const NODES = 6;
const key = { clusterId: 'local', namespace: NAMESPACE, name: 'agent' };
const stream = daemonSetStreamId(key);

let h: Harness;
let log: EventLogSource;
beforeAll(async () => {
  const state = await mkdtemp(join(tmpdir(), 'daemonloop-replay-'));
  h = await startHarness({ nodes: NODES, runtime: { stateDir: state } });
  const allOn = (image: string) => {
    const byNode = livePodsByNode(h.sim);
    return (
      byNode.size === NODES &&
      [...byNode.values()].every((pods) => pods.length === 1 && pods[0]!.spec!.containers[0]!.image === image && isAvailable(pods[0]!, 5, h.clock.now()))
    );
  };
  await h.cp.applyDaemonSet(agentDaemonSet({ maxUnavailable: 2, minReadySeconds: 5 }));
  await h.until(() => allOn('agent:1'), 'the first revision available everywhere');
  await h.cp.applyDaemonSet(agentDaemonSet({ maxUnavailable: 2, minReadySeconds: 5, image: 'agent:2' }));
  await h.until(() => allOn('agent:2'), 'the second revision available everywhere');
  await h.runtime.settle();
  log = await eventLogOf({ positionals: [], values: { state } });
});
afterAll(async () => {
  await log?.close();
  await h?.close();
});

const commitsOf = async (read: ReadStream, id: string): Promise<Commit[]> => {
  const commits: Commit[] = [];
  for await (const c of read(id)) commits.push(c);
  return commits;
};

describe('replayDecisions', () => {
  it('replays every decision of a rolling update (6 nodes, maxUnavailable 2, minReadySeconds 5) to what was recorded, reading each stream once', async () => {
    const reads: string[] = [];
    const yielded = new Map<string, number>();
    const read: ReadStream = async function* (id, from) {
      reads.push(id);
      for await (const c of log.store.read(id, from)) {
        yielded.set(id, (yielded.get(id) ?? 0) + 1);
        yield c;
      }
    };
    const report = await replayDecisions(read, key);

    const own = await commitsOf(log.store.read.bind(log.store), stream);
    const recorded = own.filter((c) => c.events.some((e) => e.type === E.RECONCILE_DECIDED));
    expect(recorded.some((c) => c.events.some((e) => e.type === E.POD_DELETE_REQUESTED))).toBe(true); // the rollout is in the log
    expect(recorded.some((c) => (c.events[0] as E.ReconcileDecided).waits.some((w) => w.reason.startsWith('budget exhausted')))).toBe(true);
    expect(report).toEqual({ decisions: recorded.length, mismatches: [] });
    expect(reads.sort()).toEqual([nodesStreamId('local'), podsStreamId('local', NAMESPACE), stream].sort());
    expect(yielded.get(stream)).toBe(own.length);
    const lastMarks = (recorded.at(-1)!.events[0] as E.ReconcileDecided).inputs.streams;
    expect(yielded.get(nodesStreamId('local'))).toBeLessThanOrEqual(lastMarks[nodesStreamId('local')]! + 1); // async iterators may read one ahead
  });

  it('reports exactly the decision whose recorded counters were altered', async () => {
    const own = await commitsOf(log.store.read.bind(log.store), stream);
    const target = own.filter((c) => c.events.some((e) => e.type === E.RECONCILE_DECIDED))[5]!;
    const altered = own.map((c) =>
      c.commit !== target.commit
        ? c
        : { ...c, events: c.events.map((e) => (e.type === E.RECONCILE_DECIDED ? { ...e, status: { ...e.status, numberAvailable: 99 } } : e)) },
    );
    const read: ReadStream = (id, from) => (id === stream ? fromArray(altered) : log.store.read(id, from));
    const report = await replayDecisions(read, key);
    const real = (target.events[0] as E.ReconcileDecided).status.numberAvailable;
    expect(report.mismatches).toEqual([
      {
        commit: target.commit,
        decisionId: `${stream}@${target.commit}`,
        time: target.events[0]!.time,
        differences: [`status.numberAvailable: recorded 99, replayed ${real}`],
      },
    ]);
  });

  it('folds a stream again from its start when a decision recorded a lower mark than the one before it', async () => {
    const own = await commitsOf(log.store.read.bind(log.store), stream);
    const pods = podsStreamId('local', NAMESPACE);
    const decisions = own.filter((c) => c.events.some((e) => e.type === E.RECONCILE_DECIDED));
    const marksOf = (c: Commit) => (c.events[0] as E.ReconcileDecided).inputs.streams;
    const target = decisions.find((_c, i) => i > 0 && marksOf(decisions[i - 1]!)[pods]! > 1)!;
    const lowered = own.map((c) =>
      c !== target
        ? c
        : {
            ...c,
            events: c.events.map((e) => (e.type === E.RECONCILE_DECIDED ? { ...e, inputs: { ...e.inputs, streams: { ...e.inputs.streams, [pods]: 1 } } } : e)),
          },
    );
    const reads: string[] = [];
    const read: ReadStream = (id, from) => {
      reads.push(id);
      return id === stream ? fromArray(lowered) : log.store.read(id, from);
    };
    const report = await replayDecisions(read, key);
    expect(reads.filter((id) => id === pods)).toHaveLength(2);
    expect(report.mismatches.every((m) => m.commit === target.commit)).toBe(true); // every later decision still replays exactly
  });

  it('reports a forged decision appended to the log, naming the create it should not hold', async () => {
    const latest = (id: string) => log.store.latestCommit(id);
    const head = await latest(stream);
    const own = await commitsOf(log.store.read.bind(log.store), stream);
    const last = own
      .flatMap((c) => c.events)
      .filter((e): e is E.ReconcileDecided => e.type === E.RECONCILE_DECIDED)
      .at(-1)!;
    const decisionId = `${stream}@${head + 1}`;
    const time = h.clock.now().toISOString();
    const streams = {
      [nodesStreamId('local')]: await latest(nodesStreamId('local')),
      [podsStreamId('local', NAMESPACE)]: await latest(podsStreamId('local', NAMESPACE)),
      [stream]: head,
    };
    await log.store.append(stream, head, [
      { ...last, decisionId, time, creates: 1, inputs: { ...last.inputs, streams, settledIntents: { creates: [], deletes: [] } } },
      {
        type: E.POD_CREATE_REQUESTED,
        clusterId: 'local',
        schemaVersion: 1,
        time,
        decisionId,
        namespace: NAMESPACE,
        podName: 'agent-forged',
        nodeName: 'node-3',
        hash: last.currentHash,
      },
    ]);

    const report = await replayDecisions(log.store.read.bind(log.store), key);
    expect(report.mismatches).toEqual([
      { commit: head + 1, decisionId, time, differences: ['creates: recorded only node-3/agent-forged; replayed only none'] },
    ]);
  });
});

async function* fromArray(commits: Commit[]): AsyncIterable<Commit> {
  yield* commits;
}

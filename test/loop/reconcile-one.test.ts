// reconcileOne: rebuild, decide, record the decision at the expected commit, apply, record the
// outcomes, schedule the wake-up — applying nothing twice, even when runs race or one dies midway.
import { describe, expect, it } from 'vitest';
import * as E from '../../domain/events';
import type { DaemonSetKey } from '../../domain/streams';
import { InMemoryEventStore } from '../../functions/adapters/event-store/in-memory';
import { VirtualClock } from '../../functions/clock';
import { EventLog } from '../../functions/log/event-log';
import type { ReconcileDeps } from '../../functions/loop/deps';
import { reconcileOne } from '../../functions/loop/reconcile-one';
import { replayDecisions } from '../../functions/log/replay';
import type { V1Pod } from '@kubernetes/client-node';
import { INTENT_TIMEOUT_MS } from '../../domain/intents';
import { localTelemetry } from '../../functions/observability';
import { CLUSTER, DS_STREAM, aDaemonSet, daemonSetObserved, nodeObserved } from '../log/fixtures';
import { FakeCluster } from './fake-cluster';

const key: DaemonSetKey = { clusterId: CLUSTER, namespace: 'default', name: 'agent' };

async function setup() {
  const clock = new VirtualClock(new Date('2026-01-01T00:10:00Z'));
  const store = new InMemoryEventStore(clock);
  const log = new EventLog(store);
  const cluster = new FakeCluster();
  const timers: { dueAt: Date; reason: string }[] = [];
  let waiting = false;
  const deps: ReconcileDeps = {
    log,
    clock,
    clusters: { api: async () => cluster },
    timers: { schedule: async (_key, dueAt, reason) => void timers.push({ dueAt, reason }) },
    pending: { waiting: async () => waiting },
    telemetry: localTelemetry('silent'),
  };
  await log.appendObservations([daemonSetObserved(), nodeObserved('n1', '2'), nodeObserved('n2', '3')]);
  const history = async () => {
    const commits: E.LogEvent['type'][][] = [];
    for await (const c of store.read(DS_STREAM)) commits.push(c.events.map((e) => e.type));
    return commits;
  };
  return { clock, store, log, cluster, timers, deps, history, requestWaits: () => (waiting = true) };
}

describe('reconcileOne', () => {
  it('records the decision, creates a pod per eligible node, writes status, then records the outcomes', async () => {
    const { cluster, deps, history } = await setup();
    expect(await reconcileOne(key, deps)).toBe('decided');
    expect(cluster.calls.filter((c) => c.startsWith('create'))).toHaveLength(2);
    expect(cluster.calls.filter((c) => c === 'status')).toHaveLength(1);
    expect(
      [...cluster.pods.values()]
        .map((p) => p.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.[0]?.matchFields?.[0]?.values?.[0])
        .sort(),
    ).toEqual(['n1', 'n2']);
    expect(cluster.status).toMatchObject({ desiredNumberScheduled: 2 });
    const commits = await history();
    expect(commits[1]).toEqual(expect.arrayContaining([E.RECONCILE_DECIDED, E.POD_CREATE_REQUESTED, E.POD_CREATE_REQUESTED]));
    expect(commits[2]).toEqual([E.POD_ACTION_COMPLETED, E.POD_ACTION_COMPLETED, E.STATUS_WRITTEN]);
  });

  it('does not create again while its creates are unobserved, and skips a status the cluster already shows', async () => {
    const { cluster, deps, log } = await setup();
    await reconcileOne(key, deps);
    const shown = { ...aDaemonSet(), status: cluster.status };
    shown.metadata!.resourceVersion = '9';
    await log.appendObservations([daemonSetObserved(shown)]);
    cluster.calls.length = 0;
    await reconcileOne(key, deps);
    expect(cluster.calls).toEqual([]);
  });

  it('leaves the status write to the next reconcile when a request for one already waits', async () => {
    const { cluster, deps, requestWaits } = await setup();
    requestWaits();
    await reconcileOne(key, deps);
    expect(cluster.calls.filter((c) => c.startsWith('create'))).toHaveLength(2);
    expect(cluster.calls).not.toContain('status');
  });

  it('lets two racing runs never create a second pod for a node', async () => {
    const { cluster, deps, history } = await setup();
    await Promise.all([reconcileOne(key, deps), reconcileOne(key, deps), reconcileOne(key, deps)]);
    expect(cluster.pods.size).toBe(2);
    const requested = (await history()).flat().filter((t) => t === E.POD_CREATE_REQUESTED);
    expect(requested.length).toBeGreaterThanOrEqual(2);
  });

  it('schedules a wake-up for when its pod requests would expire unobserved, and none for a decision without requests', async () => {
    const { deps, timers, clock } = await setup();
    await reconcileOne(key, deps);
    expect(timers).toEqual([{ dueAt: new Date(clock.now().getTime() + INTENT_TIMEOUT_MS), reason: 'requested pod changes expire unobserved' }]);
    await reconcileOne(key, deps); // the pods were never observed: the intents still stand
    expect(timers).toHaveLength(1);
  });

  it('finishes a decision whose run died before applying it, without waiting for its intents to expire', async () => {
    const { cluster, deps, log, history } = await setup();
    const dying: ReconcileDeps = {
      ...deps,
      log: {
        rebuild: (k, now) => log.rebuild(k, now),
        appendDecision: async (k, expected, events) => {
          await log.appendDecision(k, expected, events);
          throw new Error('killed after recording its decision');
        },
        appendOutcomes: (k, events) => log.appendOutcomes(k, events),
      },
    };
    await expect(reconcileOne(key, dying)).rejects.toThrow(/killed/);
    expect(cluster.pods.size).toBe(0);
    await reconcileOne(key, deps); // the redelivered request
    expect(cluster.pods.size).toBe(2);
    expect(cluster.calls.filter((c) => c.startsWith('create'))).toHaveLength(2);
    expect((await history()).flat().filter((t) => t === E.POD_CREATE_REQUESTED)).toHaveLength(2);
  });

  it('schedules a retry on the timer queue when an API call fails and can be retried', async () => {
    const { cluster, deps, timers, clock } = await setup();
    cluster.createPod = async () => ({ outcome: 'failed', reason: 'HTTP 500', retryable: true, retryAfterSeconds: 3 });
    await reconcileOne(key, deps);
    expect(timers).toContainEqual({ dueAt: new Date(clock.now().getTime() + 3000), reason: 'retry failed API calls' });
  });
});

describe('reconcileOne, when nothing changed', () => {
  it('records nothing for a decision identical to the last one, decides again on a change, and the log still replays exactly', async () => {
    const { cluster, deps, log, store, history } = await setup();
    await reconcileOne(key, deps);
    // The cluster shows the pods and the status the decision wrote; the pods were observed.
    const pods = [...cluster.pods.values()].map((pod, i) => ({ ...podObservedFrom(pod, String(10 + i)) }));
    await log.appendObservations(pods);
    expect(await reconcileOne(key, deps)).toBe('decided'); // settles the two creates
    const shown = { ...aDaemonSet(), status: cluster.status };
    shown.metadata!.resourceVersion = '9';
    await log.appendObservations([daemonSetObserved(shown)]);
    if ((await reconcileOne(key, deps)) !== 'unchanged') await reconcileOne(key, deps); // at most one more to catch up on the status
    const before = await history();

    expect(await reconcileOne(key, deps)).toBe('unchanged');
    expect(await reconcileOne(key, deps)).toBe('unchanged');
    expect(await history()).toEqual(before);

    await log.appendObservations([nodeObserved('n3', '20')]);
    expect(await reconcileOne(key, deps)).toBe('decided');
    const report = await replayDecisions((stream, from) => store.read(stream, from), key);
    expect(report.mismatches).toEqual([]);
    expect(report.decisions).toBeGreaterThanOrEqual(3);
  });
});

function podObservedFrom(pod: V1Pod, resourceVersion: string): E.PodObserved {
  const ready = { type: 'Ready', status: 'True', lastTransitionTime: new Date('2026-01-01T00:00:00Z') };
  return {
    type: E.POD_OBSERVED,
    clusterId: CLUSTER,
    schemaVersion: E.EVENT_SCHEMA_VERSION,
    time: '2026-01-01T00:10:00.000Z',
    pod: { ...pod, metadata: { ...pod.metadata, uid: `uid-${pod.metadata!.name}`, resourceVersion }, status: { phase: 'Running', conditions: [ready] } },
  };
}

// The loop as a whole, under every fault delivery allows, against a model cluster that honours
// grace periods and name uniqueness: random interleavings of reconciles (some killed between
// recording a decision and applying it), watch events delivered late, twice, out of order or lost
// until a relist (itself split into parts), time passing, and a stranger's pod holding the name
// of a pod the rollout will want. After every step: what a user means by one pod per node, and the
// rollout's availability budget. At the end, with the faults stopped: convergence.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { V1DaemonSet, V1Pod } from '@kubernetes/client-node';
import { daemonPodName } from '../../domain/daemon-pod';
import { withDefaults } from '../../domain/defaults';
import * as E from '../../domain/events';
import { CONTROLLER_REVISION_HASH_LABEL } from '../../domain/labels';
import { currentRevision } from '../../domain/revisions';
import type { DaemonSetKey } from '../../domain/streams';
import { InMemoryEventStore } from '../../functions/adapters/event-store/in-memory';
import { VirtualClock } from '../../functions/clock';
import { EventLog } from '../../functions/log/event-log';
import type { ReconcileDeps } from '../../functions/loop/deps';
import { reconcileOne } from '../../functions/loop/reconcile-one';
import { localTelemetry } from '../../functions/observability';
import { CLUSTER_ID, ModelCluster } from './model-cluster';

const NAMESPACE = 'default';
const NODES = ['node-1', 'node-2', 'node-3', 'node-4'];
const key: DaemonSetKey = { clusterId: CLUSTER_ID, namespace: NAMESPACE, name: 'agent' };
/** Delivery delays are seconds in practice; past this an event is delivered before the next reconcile. */
const MAX_DELAY_MS = 60_000;

interface Strategy {
  maxUnavailable: number;
  maxSurge: number;
}

function daemonSet(image: string, rv: string, generation: number, strategy: Strategy): V1DaemonSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: NAMESPACE, uid: 'ds-uid', resourceVersion: rv, generation },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      template: { metadata: { labels: { app: 'agent' } }, spec: { terminationGracePeriodSeconds: 30, containers: [{ name: 'agent', image }] } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: strategy.maxUnavailable, maxSurge: strategy.maxSurge } },
    },
  };
}

type Step =
  | { kind: 'reconcile'; crash: boolean }
  | { kind: 'deliver'; pick: number; twice: boolean }
  | { kind: 'lose'; pick: number }
  | { kind: 'relist'; parts: number }
  | { kind: 'tick'; seconds: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('reconcile' as const), crash: fc.integer({ min: 0, max: 3 }).map((n) => n === 0) }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('deliver' as const), pick: fc.nat(), twice: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('lose' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('relist' as const), parts: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('tick' as const), seconds: fc.integer({ min: 1, max: 15 }) }) },
);

const ready = (p: V1Pod) => !p.metadata?.deletionTimestamp && (p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false);
const ours = (p: V1Pod) => p.metadata?.ownerReferences?.some((r) => r.controller && r.uid === 'ds-uid') ?? false;

/** One run: a rollout from agent:1 to agent:2 under `steps`, then convergence. */
async function run(strategy: Strategy, before: Step[], during: Step[]): Promise<void> {
  const clock = new VirtualClock(new Date('2026-01-01T00:00:00Z'));
  const log = new EventLog(new InMemoryEventStore(clock));
  const cluster = new ModelCluster(clock, NAMESPACE);
  let crashes = 0;
  const deps: ReconcileDeps = {
    log: Object.assign(Object.create(log) as EventLog, {
      appendDecision: async (...args: Parameters<EventLog['appendDecision']>) => {
        const appended = await log.appendDecision(...args);
        if (crashes > 0) {
          crashes--;
          throw new Error('killed between recording the decision and applying it');
        }
        return appended;
      },
    }),
    clock,
    clusters: { api: async () => cluster },
    timers: { schedule: async () => {} }, // the test reconciles often enough: wake-ups are not needed
    pending: { waiting: async () => false },
    telemetry: localTelemetry('silent'),
  };
  const base = () => ({ clusterId: CLUSTER_ID, schemaVersion: E.EVENT_SCHEMA_VERSION, time: clock.now().toISOString() });
  await log.appendObservations(
    NODES.map((name, i) => ({ type: E.NODE_OBSERVED, ...base(), node: { metadata: { name, uid: `uid-${name}`, resourceVersion: String(i + 1) }, spec: {} } })),
  );

  // A stranger's pod (not a daemon pod: the forwarder never sends it) holds the name the rollout's
  // pod for node-1 will ask for first.
  const v2 = daemonSet('agent:2', '50', 2, strategy);
  cluster.squat(daemonPodName(v2, 'node-1', currentRevision(withDefaults(v2), []).hash), 'node-1');

  // The bus: what the API server emitted and the log has not yet received.
  let seen = cluster.watch.length;
  const pending: { event: E.Observation; since: number }[] = [];
  let relists = 0;
  const collect = () => {
    for (const event of cluster.watch.slice(seen)) pending.push({ event, since: clock.now().getTime() });
    seen = cluster.watch.length;
  };
  const deliver = async (at: number, twice = false) => {
    const { event } = pending.splice(at, 1)[0]!;
    await log.appendObservations(twice ? [event, event] : [event]);
  };
  const relist = (parts: number) => {
    for (const event of cluster.relist(`relist-${++relists}`, parts)) pending.push({ event, since: clock.now().getTime() });
  };
  const reconcile = async () => {
    for (let i = pending.length - 1; i >= 0; i--) if (clock.now().getTime() - pending[i]!.since > MAX_DELAY_MS) await deliver(i);
    try {
      await reconcileOne(key, deps);
    } catch (error) {
      if (!/killed/.test(String(error))) throw error;
    }
    collect();
  };

  let rolloutStarted = false;
  const dump = () =>
    `${cluster
      .list()
      .map(
        (p) =>
          `${p.metadata!.name} ${p.spec!.nodeName} ${p.metadata!.labels![CONTROLLER_REVISION_HASH_LABEL]} ready=${ready(p)}${p.metadata!.deletionTimestamp ? ' terminating' : ''}`,
      )
      .join('\n')}\nat ${clock.now().toISOString()}`;
  const check = () => {
    const byNode = new Map<string, V1Pod[]>();
    for (const pod of cluster.list().filter(ours)) byNode.set(pod.spec!.nodeName!, [...(byNode.get(pod.spec!.nodeName!) ?? []), pod]);
    for (const [node, pods] of byNode) {
      const names = pods.map((p) => `${p.metadata!.name}${p.metadata!.deletionTimestamp ? ' (terminating)' : ''}`).join(', ');
      if (strategy.maxSurge === 0) expect(pods.length, `two pods on ${node} without surge: ${names}\n${dump()}`).toBeLessThanOrEqual(1);
      const running = pods.filter((p) => !p.metadata!.deletionTimestamp);
      expect(running.length, `more than old + one new on ${node}: ${names}`).toBeLessThanOrEqual(2);
      expect(
        new Set(running.map((p) => p.metadata!.labels![CONTROLLER_REVISION_HASH_LABEL])).size,
        `two running pods of one revision on ${node}: ${names}`,
      ).toBe(running.length);
    }
    if (!rolloutStarted) return;
    const unavailable = NODES.filter((n) => !(byNode.get(n) ?? []).some(ready)).length;
    expect(unavailable, `nodes without an available pod during the rollout\n${dump()}`).toBeLessThanOrEqual(strategy.maxUnavailable);
  };

  const play = async (steps: Step[]) => {
    for (const s of steps) {
      collect();
      if (s.kind === 'reconcile') {
        crashes = s.crash ? 1 : 0;
        await reconcile();
      } else if (s.kind === 'deliver' && pending.length > 0) {
        await deliver(s.pick % pending.length, s.twice);
      } else if (s.kind === 'lose' && pending.length > 0) {
        pending.splice(s.pick % pending.length, 1);
        relist(1 + (s.pick % 2)); // lost until a relist: the informer's watch broke and it lists again
      } else if (s.kind === 'relist') {
        relist(s.parts);
      } else if (s.kind === 'tick') {
        clock.advance(s.seconds * 1000);
        cluster.tick();
      }
      check();
    }
  };
  /** Faults stopped: every event delivered in order, a relist now and then, reconciles until `done` (and the log has seen it). */
  const converge = async (done: () => boolean, what: string) => {
    for (let round = 0; round < 120; round++) {
      collect();
      if (round % 10 === 0) relist(1);
      while (pending.length > 0) await deliver(0);
      if (done()) return;
      await reconcile();
      clock.advance(5_000);
      cluster.tick();
      check();
    }
    expect(done(), `never converged: ${what}\n${dump()}`).toBe(true);
  };
  const convergedOn = (image: string) => () => {
    const mine = cluster.list().filter(ours);
    return mine.length === NODES.length && NODES.every((n) => mine.some((p) => p.spec!.nodeName === n && ready(p) && p.spec!.containers[0]!.image === image));
  };

  cluster.daemonSet = daemonSet('agent:1', '10', 1, strategy);
  await log.appendObservations([{ type: E.DAEMONSET_OBSERVED, ...base(), daemonSet: cluster.daemonSet }]);
  await play(before);
  await converge(convergedOn('agent:1'), 'agent:1 on every node');
  rolloutStarted = true;
  cluster.daemonSet = v2;
  await log.appendObservations([{ type: E.DAEMONSET_OBSERVED, ...base(), daemonSet: v2 }]);
  await play(during);
  await converge(convergedOn('agent:2'), 'agent:2 on every node');
}

describe('the loop under faults (property)', () => {
  const steps = fc.array(step, { minLength: 10, maxLength: 60 });
  for (const strategy of [
    { maxUnavailable: 1, maxSurge: 0 },
    { maxUnavailable: 2, maxSurge: 0 },
    { maxUnavailable: 0, maxSurge: 1 },
  ]) {
    it(`keeps every pod-per-node promise and converges (maxUnavailable ${strategy.maxUnavailable}, maxSurge ${strategy.maxSurge})`, async () => {
      await fc.assert(
        fc.asyncProperty(steps, steps, (before, during) => run(strategy, before, during)),
        { seed: 20261201 + strategy.maxUnavailable * 10 + strategy.maxSurge, numRuns: Number(process.env.LOOP_RUNS ?? 20) },
      );
    }, 300_000);
  }
});

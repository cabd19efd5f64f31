// The API server is the authority for the spec: a decision that changes pods is applied only when
// the cluster's DaemonSet is the one it was made on; otherwise nothing is created or deleted and
// the refusal is recorded in the DaemonSet's stream.
import { describe, expect, it } from 'vitest';
import * as E from '../../domain/events';
import type { DaemonSetKey } from '../../domain/streams';
import { InMemoryEventStore } from '../../functions/adapters/event-store/in-memory';
import { VirtualClock } from '../../functions/clock';
import { EventLog } from '../../functions/log/event-log';
import type { ReconcileDeps } from '../../functions/loop/deps';
import { specMismatch } from '../../functions/loop/confirm-spec';
import { reconcileOne } from '../../functions/loop/reconcile-one';
import { localTelemetry } from '../../functions/observability';
import { renderHistory } from '../../functions/cli/commands/render-history';
import { CLUSTER, DS_STREAM, aDaemonSet, daemonSetObserved, nodeObserved } from '../log/fixtures';
import { FakeCluster } from './fake-cluster';

const key: DaemonSetKey = { clusterId: CLUSTER, namespace: 'default', name: 'agent' };

async function setup() {
  const clock = new VirtualClock(new Date('2026-01-01T00:10:00Z'));
  const store = new InMemoryEventStore(clock);
  const log = new EventLog(store);
  const cluster = new FakeCluster();
  const telemetry = localTelemetry('silent');
  const deps: ReconcileDeps = {
    log,
    clock,
    clusters: { api: async () => cluster },
    timers: { schedule: async () => undefined },
    pending: { waiting: async () => false },
    telemetry,
  };
  await log.appendObservations([nodeObserved('n1', '2'), nodeObserved('n2', '3')]);
  const events = async () => {
    const all: E.LogEvent[] = [];
    for await (const c of store.read(DS_STREAM)) all.push(...c.events);
    return all;
  };
  return { log, store, cluster, deps, telemetry, events };
}

/** What a forger would send: the same DaemonSet, a privileged host-root template, the newest resourceVersion there can be. */
function forged() {
  const ds = aDaemonSet('agent', '999999999999999999');
  ds.spec!.template.spec = {
    hostPID: true,
    containers: [
      { name: 'agent', image: 'attacker/miner:latest', securityContext: { privileged: true }, volumeMounts: [{ name: 'root', mountPath: '/host' }] },
    ],
    volumes: [{ name: 'root', hostPath: { path: '/' } }],
  };
  return ds;
}

describe('confirming the spec with the API server', () => {
  it('creates nothing for a forged DaemonSetObserved (privileged template, huge resourceVersion) and records why', async () => {
    const { log, store, cluster, deps, telemetry, events } = await setup();
    await log.appendObservations([daemonSetObserved(forged())]);
    expect(await reconcileOne(key, deps)).toBe('refused');
    expect(cluster.calls).toEqual([]);
    expect(cluster.daemonSetReads).toBe(1);
    const refused = (await events()).filter((e): e is E.DecisionRefused => e.type === E.DECISION_REFUSED);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ daemonSet: DS_STREAM, creates: 2, deletes: 0, reason: expect.stringContaining('template') });
    expect((await events()).some((e) => e.type === E.RECONCILE_DECIDED || e.type === E.POD_CREATE_REQUESTED)).toBe(false);
    expect(telemetry.counts.get('DecisionRefused')).toBe(1);
    const commits = [];
    for await (const c of store.read(DS_STREAM)) commits.push(c);
    expect(renderHistory(DS_STREAM, commits)).toContain('refused 2 creates and 0 deletes: template');
  });

  it('creates nothing when the cluster has no such DaemonSet, or another one under its name', async () => {
    const { log, cluster, deps, events } = await setup();
    await log.appendObservations([daemonSetObserved()]);
    cluster.daemonSet = undefined;
    expect(await reconcileOne(key, deps)).toBe('refused');
    cluster.daemonSet = aDaemonSet('agent', '1', 'another-uid');
    expect(await reconcileOne(key, deps)).toBe('refused');
    expect(cluster.pods.size).toBe(0);
    expect((await events()).filter((e) => e.type === E.DECISION_REFUSED).map((e) => (e as E.DecisionRefused).reason)).toEqual([
      'the cluster has no such DaemonSet',
      "uid ds-uid decided on, the cluster's is another-uid",
    ]);
  });

  it("applies a decision the cluster confirms, with one GET, and owner references naming the API server's uid", async () => {
    const { log, cluster, deps } = await setup();
    await log.appendObservations([daemonSetObserved()]);
    expect(await reconcileOne(key, deps)).toBe('decided');
    expect(cluster.daemonSetReads).toBe(1);
    expect(cluster.pods.size).toBe(2);
    for (const pod of cluster.pods.values()) expect(pod.metadata?.ownerReferences?.[0]?.uid).toBe(cluster.daemonSet!.metadata!.uid);
  });

  it('writes no status from a forged spec that changes no pods (it would report a rollout the cluster never ran), and records why', async () => {
    const { log, cluster, deps, events } = await setup();
    const ds = forged();
    ds.spec!.template.spec!.nodeSelector = { pool: 'nowhere' }; // no eligible node: no pod to create, only a status to report
    await log.appendObservations([daemonSetObserved(ds)]);
    expect(await reconcileOne(key, deps)).toBe('refused');
    expect(cluster.calls).toEqual([]);
    expect(cluster.status).toBeUndefined();
    expect(cluster.daemonSetReads).toBe(1);
    expect((await events()).filter((e): e is E.DecisionRefused => e.type === E.DECISION_REFUSED)).toEqual([
      expect.objectContaining({ creates: 0, deletes: 0, reason: expect.stringContaining('template') }),
    ]);
  });

  it('writes the status of a decision that changes no pods once the cluster confirms its DaemonSet', async () => {
    const { log, cluster, deps } = await setup();
    const ds = aDaemonSet();
    ds.spec!.template.spec!.nodeSelector = { pool: 'nowhere' };
    cluster.daemonSet = structuredClone(ds);
    await log.appendObservations([daemonSetObserved(ds)]);
    expect(await reconcileOne(key, deps)).toBe('decided');
    expect(cluster.calls).toEqual(['status']);
    expect(cluster.status).toMatchObject({ desiredNumberScheduled: 0 });
    expect(cluster.daemonSetReads).toBe(1);
  });

  it('counts a decision made before the spec change reached the log as deferred, not as a refusal to alarm on', async () => {
    const { log, cluster, deps, telemetry } = await setup();
    await log.appendObservations([daemonSetObserved()]);
    cluster.daemonSet = { ...aDaemonSet(), metadata: { ...aDaemonSet().metadata, generation: 2 } };
    expect(await reconcileOne(key, deps)).toBe('refused');
    expect(telemetry.counts.get('DecisionDeferred')).toBe(1);
    expect(telemetry.counts.get('DecisionRefused')).toBeUndefined();
  });

  it('names what differs: generation, deletion, spec outside the template', () => {
    const ds = aDaemonSet();
    expect(specMismatch(ds, structuredClone(ds))).toBeUndefined();
    expect(specMismatch(ds, { ...ds, metadata: { ...ds.metadata, generation: 2 } })).toBe("generation 1 decided on, the cluster's is 2");
    expect(specMismatch(ds, { ...ds, metadata: { ...ds.metadata, deletionTimestamp: new Date() } })).toBe('the cluster is deleting the DaemonSet');
    const wider = structuredClone(ds);
    wider.spec!.selector = {};
    expect(specMismatch(ds, wider)).toMatch(/^spec /);
    const defaulted = structuredClone(ds); // the API server fills in defaults the log's copy may omit
    defaulted.spec!.revisionHistoryLimit = 10;
    expect(specMismatch(ds, defaulted)).toBeUndefined();
  });
});

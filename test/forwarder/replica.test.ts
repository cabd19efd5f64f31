// The forwarder as it runs in the cluster: health from its informers (a hung watch fails /livez)
// and two replicas on a Lease (one sends; when it dies mid-stream the standby takes over within
// the lease duration and the log, folded, holds every daemon pod as the cluster has it).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CoordinationV1Api, type V1DaemonSet, type V1Pod } from '@kubernetes/client-node';
import type { Observation } from '../../domain/events';
import { fold } from '../../domain/evolve';
import { DAEMONSET_API_VERSION, DAEMONSET_KIND } from '../../functions/adapters/kubernetes/custom-resource';
import { VirtualClock } from '../../functions/clock';
import type { EventSink } from '../../functions/forwarder/event-sink';
import { runReplica, type ReplicaOptions, type RunningReplica } from '../../functions/forwarder/replica';
import { localTelemetry } from '../../functions/observability';
import { startSimulator, type StartedSimulator } from '../support/simulator';
import { until } from '../support/until';

let s: StartedSimulator;
const replicas: RunningReplica[] = [];
beforeEach(async () => {
  s = await startSimulator({ namespaces: ['agents'], clock: new VirtualClock(), bookmarkIntervalMs: 200 });
});
afterEach(async () => {
  await Promise.all(replicas.splice(0).map((r) => r.crash()));
  await s.close();
});

const agent: V1DaemonSet = {
  apiVersion: DAEMONSET_API_VERSION,
  kind: DAEMONSET_KIND,
  metadata: { name: 'agent', namespace: 'agents' },
  spec: {
    selector: { matchLabels: { app: 'agent' } },
    template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'a', image: 'agent:1' }] } },
  },
};
const agentPod = (name: string, nodeName: string): V1Pod => ({
  metadata: { name, namespace: 'agents', labels: { app: 'agent' } },
  spec: { nodeName, containers: [{ name: 'a', image: 'agent:1', resources: { requests: { cpu: '10m' } } }] },
});

/** A sink into a shared log that can die: a dead process never finishes a send. */
function logSink(log: { by: string; o: Observation }[], by: string): EventSink & { dead: boolean } {
  const sink = {
    dead: false,
    async send(observations: Observation[]) {
      if (sink.dead) return new Promise<void>(() => undefined);
      for (const o of observations) log.push({ by, o });
    },
  };
  return sink;
}

const start = async (options: Partial<ReplicaOptions> & { sink: EventSink }) => {
  const r = await runReplica({ clusterId: 'c1', kubeConfig: s.kubeConfig, eventBus: 'daemonloop', telemetry: localTelemetry('silent'), ...options });
  replicas.push(r);
  return r;
};

const get = async (url: string) => {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as { ok: boolean; checks: Record<string, string> } };
};

describe('forwarder health', () => {
  it('stays live on a quiet watch (bookmarks) and fails /livez once the nodes watch hangs; ready once synced', async () => {
    s.sim.addNode('n1');
    const r = await start({ sink: logSink([], 'a'), stallAfterMs: 1_500, health: { host: '127.0.0.1', port: 0 } });
    expect(await get(`${r.healthUrl}/readyz`)).toMatchObject({
      status: 200,
      body: { ok: true, checks: { sink: 'ok', 'informer:nodes': 'ok', 'informer:pods': 'ok', 'informer:daemonsets': 'ok' } },
    });
    await new Promise((resolve) => setTimeout(resolve, 2_000)); // longer than the bound, with no change in the cluster
    expect(await get(`${r.healthUrl}/livez`)).toMatchObject({ status: 200, body: { ok: true } });

    s.sim.failNext({ verb: 'watch', path: '/api/v1/nodes', code: 'hang', count: 1_000 });
    s.sim.closeWatches(); // every watch reconnects; the nodes watch is never answered
    await until(() => !r.livez().ok, 'livez to fail', 6_000);
    const { status, body } = await get(`${r.healthUrl}/livez`);
    expect(status).toBe(503);
    expect(body.checks['informer:nodes']).toMatch(/no list, event or bookmark for \d+ ms/);
    expect(body.checks['informer:pods']).toBe('ok');
  });

  it('is not ready while the sink refuses what is sent', async () => {
    s.sim.addNode('n1');
    let refuse = true;
    const sink: EventSink = {
      send: async () => {
        if (refuse) throw new Error('AccessDenied');
      },
    };
    const r = await start({ sink });
    await until(() => r.forwarder !== undefined && r.readyz().checks.sink !== 'ok', 'the sink check to fail');
    expect(r.readyz().ok).toBe(false);
    refuse = false;
    await until(() => r.readyz().ok, 'ready once sends succeed', 6_000);
  });
});

describe('two replicas on a Lease', () => {
  const election = (identity: string) => ({
    namespace: 'daemonloop-system',
    name: 'daemonloop-forwarder',
    identity,
    leaseDurationSeconds: 2,
    renewDeadlineMs: 1_500,
    retryPeriodMs: 200,
  });

  it('one sends; when it is killed mid-stream the standby takes over within the lease duration and nothing is lost', async () => {
    for (const n of ['n1', 'n2', 'n3']) s.sim.addNode(n);
    s.sim.createDaemonSet(agent);
    const log: { by: string; o: Observation }[] = [];
    const sinkA = logSink(log, 'a');
    const a = await start({ sink: sinkA, election: election('a') });
    await until(() => a.forwarder !== undefined, 'a to lead');
    const b = await start({ sink: logSink(log, 'b'), election: election('b') });
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(b.leading).toBe(false);
    expect(b.readyz().ok).toBe(true); // a standby that reaches the Lease is ready
    const lease = await s.kubeConfig.makeApiClient(CoordinationV1Api).readNamespacedLease({ namespace: 'daemonloop-system', name: 'daemonloop-forwarder' });
    expect(lease.spec?.holderIdentity).toBe('a');

    // The stream: pods created, relabelled out of the DaemonSet and deleted, every 10 ms.
    let i = 0;
    let streaming = true;
    const stream = (async () => {
      while (streaming) {
        const n = i++;
        s.sim.createPod(agentPod(`p${n}`, `n${(n % 3) + 1}`));
        if (n % 3 === 1) s.sim.deletePod('agents', `p${n - 1}`, 0);
        if (n % 5 === 4 && (n - 2) % 3 !== 0) s.sim.labelPod('agents', `p${n - 2}`, { app: 'gone' });
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    await until(() => log.filter((e) => e.o.type === 'PodObserved').length >= 20, 'a to send some pods');
    // Killed mid-stream: what a observed but had not sent is lost with it, the Lease is not released.
    sinkA.dead = true;
    const killedAt = Date.now();
    const opsAtKill = i;
    await a.crash();
    await until(() => b.leading, 'b to take over', 5_000);
    const tookOverMs = Date.now() - killedAt;
    const opsAtTakeover = i;
    await until(() => b.forwarder !== undefined, 'b to list');
    await new Promise((resolve) => setTimeout(resolve, 300));
    streaming = false;
    await stream;
    await until(() => log.some((e) => e.by === 'b' && e.o.type === 'RelistCompleted' && e.o.kind === 'Pod'), "b's relist");
    await new Promise((resolve) => setTimeout(resolve, 300)); // the last watch events
    await b.forwarder!.idle();

    expect(tookOverMs).toBeLessThan(2_000 + 2 * 200 + 500); // the lease duration, a retry period or two, slack
    expect(opsAtTakeover - opsAtKill).toBeGreaterThan(10); // the cluster changed while nobody watched
    const firstB = log.findIndex((e) => e.by === 'b');
    expect(firstB).toBeGreaterThan(0);
    expect(log.slice(firstB).every((e) => e.by === 'b')).toBe(true); // never two senders at once
    const state = fold(log.map((e) => e.o));
    const daemonPods = s.sim.pods({ namespace: 'agents', labelSelector: 'app=agent' });
    const folded = Object.values(state.pods).filter((p) => p.metadata?.labels?.app === 'agent');
    expect(folded.map((p) => `${p.metadata?.name}@${p.metadata?.resourceVersion}`).sort()).toEqual(
      daemonPods.map((p) => `${p.metadata?.name}@${p.metadata?.resourceVersion}`).sort(),
    );
    expect(daemonPods.length).toBeGreaterThan(20);
  });

  it('hands over at once when the leader stops cleanly (it releases the Lease)', async () => {
    s.sim.addNode('n1');
    const log: { by: string; o: Observation }[] = [];
    const a = await start({ sink: logSink(log, 'a'), election: { ...election('a'), leaseDurationSeconds: 10, renewDeadlineMs: 5_000 } });
    await until(() => a.leading, 'a to lead');
    const b = await start({ sink: logSink(log, 'b'), election: { ...election('b'), leaseDurationSeconds: 10, renewDeadlineMs: 5_000 } });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(b.leading).toBe(false);
    const stoppedAt = Date.now();
    await a.stop();
    await until(() => b.leading, 'b to take over', 3_000);
    expect(Date.now() - stoppedAt).toBeLessThan(1_500); // well under the 10 s lease
    const lease = await s.kubeConfig.makeApiClient(CoordinationV1Api).readNamespacedLease({ namespace: 'daemonloop-system', name: 'daemonloop-forwarder' });
    expect(lease.spec).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 }); // a created it; a's release is not a transition, b's acquisition is
  });
});

// A hung API server costs a reconcile one request deadline, not its Lambda timeout: the request is
// aborted, recorded as a retryable failure, and a wake-up a second later retries it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as E from '../../domain/events';
import type { DaemonSetKey } from '../../domain/streams';
import { InMemoryEventStore } from '../../functions/adapters/event-store/in-memory';
import { DAEMONSET_API_VERSION } from '../../functions/adapters/kubernetes/custom-resource';
import { KubernetesCluster } from '../../functions/adapters/kubernetes/kubernetes-cluster';
import { VirtualClock } from '../../functions/clock';
import { EventLog } from '../../functions/log/event-log';
import type { ReconcileDeps } from '../../functions/loop/deps';
import { reconcileOne } from '../../functions/loop/reconcile-one';
import { localTelemetry } from '../../functions/observability';
import { startSimulator, type StartedSimulator } from '../support/simulator';
import { CLUSTER, aDaemonSet, daemonSetObserved, nodeObserved } from '../log/fixtures';

const key: DaemonSetKey = { clusterId: CLUSTER, namespace: 'default', name: 'agent' };
let s: StartedSimulator;
beforeAll(async () => {
  s = await startSimulator();
});
afterAll(() => s.close());

describe('a hung API server', () => {
  it('times a request out, records it as retryable and wakes the DaemonSet within seconds to create the pod', async () => {
    const clock = new VirtualClock(new Date('2026-01-01T00:10:00Z'));
    const log = new EventLog(new InMemoryEventStore(clock));
    const timers: { dueAt: Date; reason: string }[] = [];
    const deps: ReconcileDeps = {
      log,
      clock,
      clusters: { api: async () => new KubernetesCluster(s.kubeConfig, { clock, qps: 1000, burst: 1000, requestTimeoutMs: 300 }) },
      timers: { schedule: async (_key, dueAt, reason) => void timers.push({ dueAt, reason }) },
      pending: { waiting: async () => false },
      telemetry: localTelemetry('silent'),
    };
    const ds = s.sim.createDaemonSet({ ...aDaemonSet(), apiVersion: DAEMONSET_API_VERSION }); // the API server has the DaemonSet decided on (confirm-spec.ts), as observed
    await log.appendObservations([daemonSetObserved(ds), nodeObserved('n1', '2'), nodeObserved('n2', '3')]);
    s.sim.failNext({ verb: 'create', path: '/pods', code: 'hang', count: 1 });

    expect(await reconcileOne(key, deps)).toBe('decided'); // returns: the hung create was abandoned after 300 ms
    // (slow start stops after its first batch failed, as upstream's does: the second create was not attempted)
    const retry = timers.find((t) => t.reason === 'retry failed API calls');
    expect(retry).toBeDefined();
    expect(retry!.dueAt.getTime() - clock.now().getTime()).toBeLessThanOrEqual(1_000);

    clock.advance(1_000); // the wake-up is due
    expect(await reconcileOne(key, deps)).toBe('decided');
    const creates: string[] = []; // (the simulator's garbage collector removes the pods at once: their owner exists only in the log)
    for await (const c of log.history(key)) for (const e of c.events) if (e.type === E.POD_ACTION_COMPLETED && e.action === 'create') creates.push(e.outcome);
    expect(creates).toEqual(['failed', 'failed', 'succeeded', 'succeeded']);
  });
});

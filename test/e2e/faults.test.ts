// Faults on every edge of the loop — duplicated and reordered events, a handler killed between
// recording a decision and applying it, reconciles racing on one DaemonSet, API errors — and in
// every case: never a second pod on a node (checked after every step), no lost event, convergence.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { PutEventsPort } from '../../functions/adapters/eventbridge/put-events-port';
import { VirtualClock, type Clock } from '../../functions/clock';
import { reconcileOne } from '../../functions/loop/reconcile-one';
import { INTENT_TIMEOUT_MS } from '../../domain/intents';
import { agentDaemonSet, isAvailable, livePodsByNode, NAMESPACE, startHarness, type Harness } from './harness';

let h: Harness;
afterEach(async () => h?.close());

const converged = (h: Harness, image: string, nodes: number, minReadySeconds = 0) => {
  const byNode = livePodsByNode(h.sim);
  return (
    byNode.size === nodes &&
    [...byNode.values()].every(
      (pods) => pods.length === 1 && pods[0]!.spec!.containers[0]!.image === image && isAvailable(pods[0]!, minReadySeconds, h.clock.now()),
    )
  );
};

/** Delivers every entry twice, and every other request late and in reverse order (a deterministic shuffle). */
function duplicatingReorderingBus(clock: Clock): (port: PutEventsPort) => PutEventsPort {
  return (port) => {
    let calls = 0;
    return {
      async putEvents(entries: PutEventsRequestEntry[]) {
        const doubled = entries.flatMap((e) => [e, e]);
        const send = async (batch: PutEventsRequestEntry[]) => {
          for (let i = 0; i < batch.length; i += 10) await port.putEvents(batch.slice(i, i + 10));
        };
        if (calls++ % 2 === 0) {
          clock.setTimer(700, () => void send([...doubled].reverse()));
          return { FailedEntryCount: 0, Entries: entries.map(() => ({ EventId: 'held' })) };
        }
        await send(doubled);
        return { FailedEntryCount: 0, Entries: entries.map(() => ({ EventId: 'sent' })) };
      },
    };
  };
}

// Real grace periods (30 s on the virtual clock) make each wave longer in real time too, on a busy machine.
describe('faults, end to end', { timeout: 240_000 }, () => {
  it('converges with every event duplicated and half of them late and reordered', async () => {
    const clock = new VirtualClock();
    h = await startHarness({ nodes: 4, clock, runtime: { wrapPutEvents: duplicatingReorderingBus(clock) } });
    await h.cp.applyDaemonSet(agentDaemonSet({ maxUnavailable: 1, minReadySeconds: 2 }));
    await h.until(() => converged(h, 'agent:1', 4, 2), 'first revision everywhere');
    h.sim.addNode('node-5');
    await h.cp.applyDaemonSet(agentDaemonSet({ maxUnavailable: 1, minReadySeconds: 2, image: 'agent:2' }));
    await h.until(() => converged(h, 'agent:2', 5, 2), 'second revision everywhere');
  });

  it('finishes the work of a reconcile killed between recording its decision and applying it', async () => {
    let kills = 3;
    h = await startHarness({
      nodes: 4,
      runtime: {
        wrapDeps: (deps) => ({
          ...deps,
          log: Object.assign(Object.create(deps.log) as typeof deps.log, {
            appendDecision: async (...args: Parameters<typeof deps.log.appendDecision>) => {
              const appended = await deps.log.appendDecision(...args);
              if (args[2].some((e) => e.type === 'PodCreateRequested' || e.type === 'PodDeleteRequested') && kills-- > 0) throw new Error('killed');
              return appended;
            },
          }),
        }),
      },
    });
    const started = h.clock.now().getTime();
    await h.cp.applyDaemonSet(agentDaemonSet({ maxUnavailable: 2 }));
    await h.until(() => converged(h, 'agent:1', 4), 'first revision everywhere');
    await h.cp.applyDaemonSet(agentDaemonSet({ maxUnavailable: 2, image: 'agent:2' }));
    await h.until(() => converged(h, 'agent:2', 4), 'second revision everywhere');
    expect(kills).toBeLessThan(0);
    expect(h.clock.now().getTime() - started).toBeLessThan(INTENT_TIMEOUT_MS); // finished on redelivery, not by waiting out the intents
  });

  it('keeps one pod per node while extra reconciles race the queue on the same DaemonSet', async () => {
    h = await startHarness({ nodes: 5 });
    const key = { clusterId: h.runtime.clusterId, namespace: NAMESPACE, name: 'agent' };
    const race = () => Promise.all([reconcileOne(key, h.runtime.deps), reconcileOne(key, h.runtime.deps)]);
    await h.cp.applyDaemonSet(agentDaemonSet({ maxUnavailable: 2, minReadySeconds: 1 }));
    await h.until(() => converged(h, 'agent:1', 5, 1), 'first revision everywhere');
    await h.cp.applyDaemonSet(agentDaemonSet({ maxUnavailable: 2, minReadySeconds: 1, image: 'agent:2' }));
    const races: Promise<unknown>[] = [];
    await h.until(() => {
      if (races.length < 20) races.push(race());
      return converged(h, 'agent:2', 5, 1);
    }, 'second revision everywhere');
    await Promise.all(races);
  });

  it('retries through API errors: 500 and 429 on creates, 404 and 409 on deletes, 500 on status writes', async () => {
    h = await startHarness({ nodes: 4 });
    h.sim.failNext({ verb: 'create', path: '/pods', code: 500, count: 3 });
    h.sim.failNext({ verb: 'create', path: '/pods', code: 429, count: 2, retryAfterSeconds: 2 });
    h.sim.failNext({ verb: 'patch', path: '/status', code: 500, count: 2 });
    await h.cp.applyDaemonSet(agentDaemonSet({ maxUnavailable: 2 }));
    await h.until(() => converged(h, 'agent:1', 4), 'first revision everywhere');
    h.sim.failNext({ verb: 'delete', path: '/pods', code: 404, count: 1 });
    h.sim.failNext({ verb: 'delete', path: '/pods', code: 409, count: 1 });
    h.sim.failNext({ verb: 'delete', path: '/pods', code: 500, count: 2 });
    await h.cp.applyDaemonSet(agentDaemonSet({ maxUnavailable: 2, image: 'agent:2' }));
    await h.until(() => converged(h, 'agent:2', 4), 'second revision everywhere');
    await h.until(async () => (await h.cp.getDaemonSet(NAMESPACE, 'agent')).status?.updatedNumberScheduled === 4, 'status written');
  });

  it('resumes a rollout where it stopped after the control plane restarts from its persisted log', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'daemonloop-e2e-'));
    try {
      h = await startHarness({ nodes: 6, runtime: { dataDir } });
      await h.cp.applyDaemonSet(agentDaemonSet({ maxUnavailable: 1, minReadySeconds: 5 }));
      await h.until(() => converged(h, 'agent:1', 6, 5), 'first revision everywhere');
      await h.cp.applyDaemonSet(agentDaemonSet({ maxUnavailable: 1, minReadySeconds: 5, image: 'agent:2' }));
      const updated = () =>
        [...livePodsByNode(h.sim).values()].filter((pods) => pods.some((p) => p.spec!.containers[0]!.image === 'agent:2' && isAvailable(p, 5, h.clock.now())))
          .length;
      await h.until(() => updated() >= 2, 'two nodes updated');
      await h.restart();
      expect(updated()).toBeLessThan(6);
      await h.until(() => converged(h, 'agent:2', 6, 5), 'second revision everywhere after the restart');
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

// A template change rolls out as upstream's RollingUpdate does — never more than maxUnavailable
// nodes without an available pod, never more than maxSurge extra pods, a new pod counted only
// after minReadySeconds — checked on the simulator's pods after every step; OnDelete waits for
// the user's deletes.
import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../functions/local/simulator/simulator';
import { agentDaemonSet, GRACE_PERIOD_SECONDS, isAvailable, isReady, livePodsByNode, podsByNode, startHarness, type Harness } from './harness';

let h: Harness;
afterEach(async () => h?.close());

const imageOf = (sim: Simulator, node: string) =>
  livePodsByNode(sim)
    .get(node)
    ?.map((p) => p.spec!.containers[0]!.image)
    .sort();
const allOn = (sim: Simulator, image: string, nodes: number, minReadySeconds: number, now: Date) => {
  const byNode = livePodsByNode(sim);
  return (
    byNode.size === nodes &&
    [...byNode.values()].every((pods) => pods.length === 1 && pods[0]!.spec!.containers[0]!.image === image && isAvailable(pods[0]!, minReadySeconds, now))
  );
};

// Real grace periods (30 s on the virtual clock) make each wave longer in real time too, on a busy machine.
describe('rolling update, end to end', { timeout: 240_000 }, () => {
  it('replaces pods at most maxUnavailable nodes at a time, each counted available only after minReadySeconds', async () => {
    const nodes = 7;
    const [maxUnavailable, minReadySeconds] = [2, 5];
    let started = false;
    let worstUnavailable = 0;
    h = await startHarness({
      nodes,
      invariants: (sim) => {
        if (!started) return;
        const byNode = livePodsByNode(sim);
        const unavailable = [...Array(nodes).keys()].filter(
          (i) => !(byNode.get(`node-${i + 1}`) ?? []).some((p) => isAvailable(p, minReadySeconds, h.clock.now())),
        ).length;
        worstUnavailable = Math.max(worstUnavailable, unavailable);
        expect(unavailable).toBeLessThanOrEqual(maxUnavailable);
        for (const pods of byNode.values()) expect(pods.length).toBe(1); // no surge
      },
    });
    await h.cp.applyDaemonSet(agentDaemonSet({ maxUnavailable, minReadySeconds }));
    await h.until(() => allOn(h.sim, 'agent:1', nodes, minReadySeconds, h.clock.now()), 'the first revision available everywhere');
    started = true;
    const rolloutStart = h.clock.now().getTime();
    await h.cp.applyDaemonSet(agentDaemonSet({ maxUnavailable, minReadySeconds, image: 'agent:2' }));
    await h.until(() => allOn(h.sim, 'agent:2', nodes, minReadySeconds, h.clock.now()), 'the second revision available everywhere');
    expect(worstUnavailable).toBe(maxUnavailable); // the budget was used, not just respected
    // ceil(7 / 2) waves of pod start (1 s) + minReadySeconds (5 s)
    expect(h.clock.now().getTime() - rolloutStart).toBeGreaterThanOrEqual(4 * 6_000);
    const ds = await h.cp.getDaemonSet('kube-system', 'agent');
    expect(ds.status).toMatchObject({ desiredNumberScheduled: nodes, updatedNumberScheduled: nodes, numberAvailable: nodes, numberUnavailable: 0 });
  });

  it('never starts a replacement beside a pod it asked to delete while that pod still terminates (maxSurge 0, maxUnavailable 100%)', async () => {
    const nodes = 3;
    h = await startHarness({ nodes }); // the harness fails on any node holding two pods, terminating ones included
    await h.cp.applyDaemonSet(agentDaemonSet({ maxUnavailable: '100%' }));
    await h.until(() => allOn(h.sim, 'agent:1', nodes, 0, h.clock.now()), 'the first revision available everywhere');
    const rolloutStart = h.clock.now().getTime();
    await h.cp.applyDaemonSet(agentDaemonSet({ maxUnavailable: '100%', image: 'agent:2' }));
    await h.until(() => allOn(h.sim, 'agent:2', nodes, 0, h.clock.now()), 'the second revision available everywhere');
    expect(h.clock.now().getTime() - rolloutStart).toBeGreaterThanOrEqual(GRACE_PERIOD_SECONDS * 1000); // the old pods were waited out
  });

  it('surges at most maxSurge new pods beside old ones and deletes an old pod only once its replacement is available', async () => {
    const nodes = 5;
    const [maxSurge, minReadySeconds] = [2, 3];
    let started = false;
    h = await startHarness({
      nodes,
      invariants: (sim) => {
        if (!started) return;
        const byNode = livePodsByNode(sim);
        const doubled = [...byNode.values()].filter((pods) => pods.length === 2).length;
        expect(doubled).toBeLessThanOrEqual(maxSurge);
        for (let i = 1; i <= nodes; i++) expect((byNode.get(`node-${i}`) ?? []).some((p) => isAvailable(p, minReadySeconds, h.clock.now()))).toBe(true);
      },
    });
    await h.cp.applyDaemonSet(agentDaemonSet({ maxUnavailable: 0, maxSurge, minReadySeconds }));
    await h.until(() => allOn(h.sim, 'agent:1', nodes, minReadySeconds, h.clock.now()), 'the first revision available everywhere');
    started = true;
    await h.cp.applyDaemonSet(agentDaemonSet({ maxUnavailable: 0, maxSurge, minReadySeconds, image: 'agent:2' }));
    await h.until(() => allOn(h.sim, 'agent:2', nodes, minReadySeconds, h.clock.now()), 'the second revision available everywhere');
  });

  it('with OnDelete, replaces a pod only after the user deletes it', async () => {
    h = await startHarness({ nodes: 3 });
    await h.cp.applyDaemonSet(agentDaemonSet({ onDelete: true }));
    await h.until(() => podsByNode(h.sim).size === 3 && [...podsByNode(h.sim).values()].every(isReady), 'three ready pods');
    await h.cp.applyDaemonSet(agentDaemonSet({ onDelete: true, image: 'agent:2' }));
    await h.runtime.runUntil(() => false, 60_000);
    expect(['node-1', 'node-2', 'node-3'].map((n) => imageOf(h.sim, n))).toEqual([['agent:1'], ['agent:1'], ['agent:1']]);
    h.sim.deletePod('kube-system', podsByNode(h.sim).get('node-2')!.metadata!.name!);
    await h.until(() => imageOf(h.sim, 'node-2')?.[0] === 'agent:2', 'node-2 on the new template');
    await h.runtime.runUntil(() => false, 60_000);
    expect(['node-1', 'node-2', 'node-3'].map((n) => imageOf(h.sim, n))).toEqual([['agent:1'], ['agent:2'], ['agent:1']]);
  });
});

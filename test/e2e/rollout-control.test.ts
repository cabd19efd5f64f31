// Rollout control end to end on the local runtime (virtual clock, the simulator over HTTP, 30 s
// grace periods): zone waves with a soak, a pause and resume through the CLI, an undo, the log's
// record of each step replayed by `history --verify`; crash-looping new pods stopping the rollout
// at its failure budget; and a stuck rollout breaching its progress deadline.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { V1DaemonSet, V1Pod } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { DAEMONSET_API_VERSION } from '../../functions/adapters/kubernetes/custom-resource';
import { main } from '../../functions/cli/main';
import { rolloutOf } from '../../domain/rollout-control/rollout-status';
import { recordingIo } from '../cli/fake-io';
import { isAvailable, livePodsByNode, NAMESPACE, startHarness, type Harness } from './harness';

let h: Harness;
afterEach(async () => h?.close());

const ZONE = 'topology.kubernetes.io/zone';
const GRACE_SECONDS = 30;

function agent(image: string, rollout: Record<string, unknown>, spec: Record<string, unknown> = {}): V1DaemonSet {
  return {
    apiVersion: DAEMONSET_API_VERSION,
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: NAMESPACE },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      template: { metadata: { labels: { app: 'agent' } }, spec: { terminationGracePeriodSeconds: GRACE_SECONDS, containers: [{ name: 'agent', image }] } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, ...rollout } },
      ...spec,
    },
  };
}

const imageOf = (pod: V1Pod) => pod.spec!.containers[0]!.image;
const allOn = (h: Harness, image: string, nodes: number) => {
  const byNode = livePodsByNode(h.sim);
  return (
    byNode.size === nodes && [...byNode.values()].every((pods) => pods.length === 1 && imageOf(pods[0]!) === image && isAvailable(pods[0]!, 0, h.clock.now()))
  );
};
const cli = async (args: string[], state: string) => {
  const io = recordingIo();
  const code = await main([...args, '-n', NAMESPACE, '--state', state], io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
};

describe('rollout control, end to end', () => {
  it('rolls zone by zone with a soak, pauses and resumes from the CLI, undoes, and the log replays every step', async () => {
    const state = await mkdtemp(join(tmpdir(), 'daemonloop-rollout-'));
    const firstV2 = new Map<string, number>(); // node → when its first v2 pod appeared
    const readyV2 = new Map<string, number>(); // node → when its v2 pod turned Ready
    h = await startHarness({
      nodes: 6,
      runtime: { stateDir: state },
      invariants: (sim) => {
        for (const [node, pods] of livePodsByNode(sim)) {
          for (const pod of pods) {
            if (imageOf(pod) !== 'agent:2') continue;
            if (!firstV2.has(node)) firstV2.set(node, h.clock.now().getTime());
            if (!readyV2.has(node) && isAvailable(pod, 0, h.clock.now())) readyV2.set(node, h.clock.now().getTime());
          }
        }
      },
    });
    ['a', 'a', 'b', 'b', 'c', 'c'].forEach((zone, i) => h.sim.labelNode(`node-${i + 1}`, { [ZONE]: `zone-${zone}` }));
    const waves = [{ name: 'zones', topologyKey: ZONE, minSuccessSeconds: 60 }];
    await h.cp.applyDaemonSet(agent('agent:1', { waves }, { progressDeadlineSeconds: 600 }));
    await h.until(() => allOn(h, 'agent:1', 6), 'agent:1 everywhere');

    await h.cp.applyDaemonSet(agent('agent:2', { waves }, { progressDeadlineSeconds: 600 }));
    await h.until(() => readyV2.has('node-1') && readyV2.has('node-2'), 'zone-a on agent:2');
    expect(firstV2.has('node-3') || firstV2.has('node-5')).toBe(false); // zone-b and zone-c wait

    // Pause while zone-a soaks: nothing more is updated however long we wait.
    const paused = await cli(['rollout', 'pause', 'agent'], state);
    expect(paused).toMatchObject({ code: 0, out: 'daemonset.daemonloop.dev/agent paused' });
    expect((await cli(['rollout', 'pause', 'agent'], state)).err).toBe('error: daemonsets.daemonloop.dev "agent" is already paused');
    await h.until(
      async () => (await h.cp.getDaemonSet(NAMESPACE, 'agent')).status?.conditions?.some((c) => c.type === 'Paused' && c.status === 'True') ?? false,
      'the Paused condition',
    );
    const updatedBefore = firstV2.size;
    await h.runtime.runUntil(() => false, 5 * 60_000);
    expect(firstV2.size).toBe(updatedBefore);
    const wide = await cli(['get', 'ds', '-o', 'wide'], state);
    expect(wide.out.split('\n')[0]).toMatch(/\sWAVE\s+PAUSED$/);
    expect(wide.out.split('\n')[1]).toMatch(/\szones\/zone-[ab]\s+True$/); // paused: the soak may end, the next wave starts no pod

    expect(await cli(['rollout', 'resume', 'agent'], state)).toMatchObject({ code: 0, out: 'daemonset.daemonloop.dev/agent resumed' });
    await h.until(() => allOn(h, 'agent:2', 6), 'agent:2 everywhere');
    // Zone by zone: a zone's first new pod only after every pod of the zone before it stayed available for 60 s.
    const zoneA = Math.max(readyV2.get('node-1')!, readyV2.get('node-2')!);
    const zoneB = Math.max(readyV2.get('node-3')!, readyV2.get('node-4')!);
    expect(Math.min(firstV2.get('node-3')!, firstV2.get('node-4')!)).toBeGreaterThanOrEqual(zoneA + 60_000);
    expect(Math.min(firstV2.get('node-5')!, firstV2.get('node-6')!)).toBeGreaterThanOrEqual(zoneB + 60_000);
    await h.until(async () => rolloutOf((await h.cp.getDaemonSet(NAMESPACE, 'agent')).status)?.phase === 'Complete', 'the rollout complete');

    const revisions = await cli(['rollout', 'history', 'agent'], state);
    expect(
      revisions.out
        .split('\n')
        .slice(1)
        .map((l) => l.trim().split(/\s+/)),
    ).toEqual([
      ['REVISION', 'CHANGE-CAUSE'],
      ['1', '<none>'],
      ['2', '<none>'],
    ]);
    expect(await cli(['rollout', 'undo', 'agent'], state)).toMatchObject({ code: 0, out: 'daemonset.daemonloop.dev/agent rolled back' });
    await h.until(() => allOn(h, 'agent:1', 6), 'agent:1 everywhere again');

    const history = await cli(['history', 'agent', '--verify'], state);
    expect(history.code).toBe(0);
    for (const line of [
      'rollout  RolloutStarted',
      'rollout  WaveStarted: zones/zone-a',
      'rollout  WaveFinished: zones/zone-a; soaking until',
      'rollout  Paused',
      'rollout  Resumed',
      'rollout  WaveStarted: zones/zone-c',
      'rollout  RolloutComplete',
    ]) {
      expect(history.out).toContain(line);
    }
    expect(history.out).toMatch(/replayed \d+ decisions: all match/);
  }, 300_000);

  it('stops at the failure budget when new pods crash-loop, acts no more, and recovers with an undo', async () => {
    const state = await mkdtemp(join(tmpdir(), 'daemonloop-budget-'));
    const badNodes = new Set<string>();
    h = await startHarness({
      nodes: 6,
      runtime: { stateDir: state },
      invariants: (sim) => {
        // The injected fault: agent:bad crashes as soon as it runs, every time it is started.
        for (const [node, pods] of livePodsByNode(sim)) {
          for (const pod of pods) {
            if (imageOf(pod) !== 'agent:bad') continue;
            badNodes.add(node);
            if (pod.status?.phase === 'Running') sim.crashPod(NAMESPACE, pod.metadata!.name!);
          }
        }
      },
    });
    const rollout = { maxUnavailable: 2, maxFailedNodes: 1 };
    await h.cp.applyDaemonSet(agent('agent:1', rollout));
    await h.until(() => allOn(h, 'agent:1', 6), 'agent:1 everywhere');
    await h.cp.applyDaemonSet(agent('agent:bad', rollout));
    await h.until(async () => rolloutOf((await h.cp.getDaemonSet(NAMESPACE, 'agent')).status)?.stopped !== undefined, 'the failure-budget stop');
    const ds = await h.cp.getDaemonSet(NAMESPACE, 'agent');
    const pausedCondition = ds.status!.conditions!.find((c) => c.type === 'Paused')!;
    expect(pausedCondition).toMatchObject({ status: 'True', reason: 'FailureBudgetExceeded' });
    expect(pausedCondition.message).toMatch(/2 nodes failed, more than maxFailedNodes 1 \(1\): node-\d \(pod Failed\), node-\d \(pod Failed\)/);
    const stoppedOn = new Set(badNodes);
    await h.runtime.runUntil(() => false, 10 * 60_000);
    expect([...badNodes]).toEqual([...stoppedOn]); // no other node got the bad revision
    expect((await cli(['rollout', 'status', 'agent'], state)).err).toMatch(/^error: daemon set "agent" rollout stopped by its failure budget/);

    expect(await cli(['rollout', 'undo', 'agent'], state)).toMatchObject({ code: 0, out: 'daemonset.daemonloop.dev/agent rolled back' });
    await h.until(() => allOn(h, 'agent:1', 6), 'agent:1 everywhere again');
    const history = await cli(['history', 'agent', '--verify'], state);
    expect(history.out).toContain('rollout  FailureBudgetExceeded: 2 nodes failed');
    expect(history.code).toBe(0);
  }, 300_000);

  it('reports a rollout stuck past progressDeadlineSeconds as ProgressDeadlineExceeded, waking for the deadline itself', async () => {
    h = await startHarness({ nodes: 3 });
    await h.cp.applyDaemonSet(agent('agent:1', {}, { progressDeadlineSeconds: 120 }));
    await h.until(() => allOn(h, 'agent:1', 3), 'agent:1 everywhere');
    h.sim.setImagePullFailure('agent:stuck');
    await h.cp.applyDaemonSet(agent('agent:stuck', {}, { progressDeadlineSeconds: 120 }));
    const start = h.clock.now().getTime();
    await h.until(
      async () =>
        (await h.cp.getDaemonSet(NAMESPACE, 'agent')).status?.conditions?.some((c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded') ??
        false,
      'ProgressDeadlineExceeded',
    );
    const breachedAfter = h.clock.now().getTime() - start;
    expect(breachedAfter).toBeGreaterThanOrEqual(120_000);
    expect(breachedAfter).toBeLessThan(120_000 + 30_000); // woken by its own timer, not by chance
    const progressing = (await h.cp.getDaemonSet(NAMESPACE, 'agent')).status!.conditions!.find((c) => c.type === 'Progressing')!;
    expect(progressing).toMatchObject({ status: 'False', message: expect.stringMatching(/^no progress for 120s in all: 0 of 3 nodes updated/) });
  });
});

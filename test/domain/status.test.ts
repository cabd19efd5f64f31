// updateDaemonSetStatus, availability, the InvalidSpec condition and kubectl rollout status (spec §9, §11).
import type { V1DaemonSet } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { isPodAvailable, isPodReady, rolloutStatus } from '../../domain/index';
import { aDaemonSet, aNode, aPod, at, counts, nodes, NOW, run, SU, taint, withImage } from './builders';

describe('status', () => {
  it('examines only the oldest pod of each eligible node', () => {
    const v1 = aDaemonSet({ strategy: SU(1) });
    const v2 = withImage(v1, 'foo/bar:2');
    const pods = [aPod('old', 'node-0', v1, { ready: at(0), created: at(0) }), aPod('new', 'node-0', v2, { created: at(900) })];
    expect(counts(run(v2, nodes(0, 0), pods))).toBe('D1 C1 M0 R1 A1 U0 Up0');
  });

  it('counts misscheduled pods on existing ineligible nodes and ignores pods on vanished nodes', () => {
    const ds = aDaemonSet();
    const tainted = aNode('node-1', { taints: [taint('dedicated', 'NoSchedule')] });
    const r = run(ds, [aNode('node-0'), tainted], [aPod('a', 'node-0', ds), aPod('b', 'node-1', ds), aPod('c', 'node-7', ds)]);
    expect(counts(r)).toBe('D1 C1 M1 R0 A0 U1 Up1');
  });

  it('sets observedGeneration from metadata.generation and keeps collisionCount and other conditions', () => {
    const ds = aDaemonSet({ generation: 7, status: { observedGeneration: 6, collisionCount: 2, conditions: [{ type: 'Custom', status: 'True' }] } });
    const r = run(ds, nodes(0, 0));
    expect(r.status.observedGeneration).toBe(7);
    expect(r.status.collisionCount).toBe(2);
    expect(r.status.conditions).toEqual([{ type: 'Custom', status: 'True' }]);
  });

  it('clears the InvalidSpec condition once the spec is fixed', () => {
    const broken = aDaemonSet({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } } });
    const first = run(broken, nodes(0, 0));
    expect(first.status.conditions).toEqual([expect.objectContaining({ type: 'InvalidSpec', lastTransitionTime: NOW })]);
    const stillBroken = run({ ...broken, status: first.status }, nodes(0, 0), [], { now: at(5000) });
    expect(stillBroken.status.conditions![0]!.lastTransitionTime).toEqual(NOW); // unchanged condition, unchanged time
    const fixed = run({ ...aDaemonSet(), status: first.status }, nodes(0, 0));
    expect(fixed.status.conditions).toEqual([]);
    expect(fixed.create).toHaveLength(1);
  });

  it('requeues after minReadySeconds when a Ready pod has no transition time to count from', () => {
    const ds = aDaemonSet({ minReadySeconds: 30 });
    const r = run(ds, nodes(0, 0), [aPod('p', 'node-0', ds, { ready: true })]);
    expect(counts(r)).toBe('D1 C1 M0 R1 A0 U1 Up1');
    expect(r.requeueAfterSeconds).toBe(30);
  });

  it('takes the earlier of a backoff and a minReadySeconds gate', () => {
    const ds = aDaemonSet({ minReadySeconds: 30 });
    const pods = [aPod('p', 'node-0', ds, { ready: new Date(NOW.getTime() - 29_500) }), aPod('f', 'node-1', ds, { phase: 'Failed' })];
    const r = run(ds, nodes(0, 1), pods, { failedPodBackoff: { 'U/0/node-1': { delaySeconds: 4, since: NOW } } });
    expect(r.requeueAfterSeconds).toBe(1); // 0.5 s, rounded up to a whole second
  });
});

describe('IsPodReady and IsPodAvailable', () => {
  const ds = aDaemonSet();
  it('reads only the Ready condition, not phase or deletion', () => {
    expect(isPodReady(aPod('p', 'n', ds, { ready: true, phase: 'Failed', deleting: NOW }))).toBe(true);
    expect(isPodReady(aPod('p', 'n', ds, { unready: true }))).toBe(false);
    expect(isPodReady(aPod('p', 'n', ds))).toBe(false);
  });

  it('is available at exactly lastTransitionTime + minReadySeconds (<=)', () => {
    const pod = aPod('p', 'n', ds, { ready: at(50) });
    expect(isPodAvailable(pod, 15, at(64.999))).toBe(false);
    expect(isPodAvailable(pod, 15, at(65))).toBe(true);
    expect(isPodAvailable(pod, 0, at(0))).toBe(true);
  });

  it("is never available with minReadySeconds when the Ready time is unset or Go's zero time", () => {
    expect(isPodAvailable(aPod('p', 'n', ds, { ready: true }), 1, NOW)).toBe(false);
    expect(isPodAvailable(aPod('p', 'n', ds, { ready: new Date('0001-01-01T00:00:00Z') }), 1, NOW)).toBe(false);
  });

  it('accepts a Ready time that crossed JSON as a string', () => {
    const pod = JSON.parse(JSON.stringify(aPod('p', 'n', ds, { ready: at(50) })));
    expect(isPodAvailable(pod, 15, at(65))).toBe(true);
  });
});

describe('rolloutStatus (kubectl rollout status)', () => {
  const withStatus = (generation: number, status: Partial<NonNullable<V1DaemonSet['status']>>, o: Parameters<typeof aDaemonSet>[0] = {}) =>
    aDaemonSet({ generation, status: { currentNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0, desiredNumberScheduled: 3, ...status }, ...o });

  it('waits for the spec update to be observed', () => {
    expect(rolloutStatus(withStatus(2, { observedGeneration: 1 }))).toEqual({ done: false, message: 'Waiting for daemon set spec update to be observed...' });
  });
  it('waits for updated pods, then for available ones, then reports success', () => {
    expect(rolloutStatus(withStatus(1, { observedGeneration: 1, updatedNumberScheduled: 1 }))).toEqual({
      done: false,
      message: 'Waiting for daemon set "foo" rollout to finish: 1 out of 3 new pods have been updated...',
    });
    expect(rolloutStatus(withStatus(1, { observedGeneration: 1, updatedNumberScheduled: 3, numberAvailable: 2 }))).toEqual({
      done: false,
      message: 'Waiting for daemon set "foo" rollout to finish: 2 of 3 updated pods are available...',
    });
    expect(rolloutStatus(withStatus(1, { observedGeneration: 1, updatedNumberScheduled: 3, numberAvailable: 3 }))).toEqual({
      done: true,
      message: 'daemon set "foo" successfully rolled out',
    });
  });
  it('is only available for RollingUpdate', () => {
    expect(rolloutStatus(withStatus(1, { observedGeneration: 1 }, { strategy: { type: 'OnDelete' } }))).toEqual({
      done: false,
      message: 'rollout status is only available for RollingUpdate strategy type',
    });
  });
});

// What a user reads of a rollout: `rollout status` (wave, soak countdown, stop, deadline), the
// history's transitions between two decided statuses, and the restart counts the pod projection keeps.
import type { V1DaemonSetStatus } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { parseLogEvent } from '../../../domain/event-schema';
import { projectPod } from '../../../domain/projection';
import { rolloutStatus } from '../../../domain/index';
import { rolloutTransitions } from '../../../domain/rollout-control/transitions';
import { aPod, NOW, run } from '../builders';
import { revisions, v1Pods, v2, v2Pods, zonedNodes, ZONE } from './fixtures';

const waves = [{ name: 'zones', topologyKey: ZONE, maxUnavailable: 2, minSuccessSeconds: 60 }];
const nodeList = zonedNodes(['zone-a', 'zone-b'], 2);
const decide = (pods: ReturnType<typeof v1Pods>, previous?: V1DaemonSetStatus, r = {}) => {
  const ds = v2({ waves, ...r });
  return { ds, result: run({ ...ds, ...(previous ? { status: previous } : {}) }, nodeList, pods, { revisions: revisions(ds) }) };
};

describe('rollout status under rollout control', () => {
  it('names the wave, counts down a soak, and fails on a stop', () => {
    const rolling = decide(v1Pods(nodeList));
    expect(rolloutStatus({ ...rolling.ds, status: rolling.result.status }, NOW)).toEqual({
      done: false,
      failed: false,
      message: 'Waiting for daemon set "foo" rollout to finish: wave zones/zone-a (1 of 2): 0 of 2 nodes updated...',
    });
    const soakPods = [...v2Pods(v2({ waves }), nodeList.slice(0, 2), new Date(NOW.getTime() - 15_000)), ...v1Pods(nodeList.slice(2))];
    const soaking = decide(soakPods);
    expect(rolloutStatus({ ...soaking.ds, status: soaking.result.status }, new Date(NOW.getTime() + 5_000)).message).toBe(
      'Waiting for daemon set "foo" rollout to finish: wave zones/zone-a (1 of 2) soaking, the next wave starts in 40s...',
    );
    const failing = [aPod('new-zone-a-0', 'zone-a-0', v2({ waves }), { phase: 'Failed' }), ...v1Pods(nodeList.slice(1))];
    const stopped = decide(failing, undefined, { maxFailedNodes: 0 });
    expect(rolloutStatus({ ...stopped.ds, status: stopped.result.status }, NOW)).toMatchObject({
      done: false,
      failed: true,
      message: expect.stringMatching(/rollout stopped by its failure budget: 1 nodes failed/),
    });
  });
});

describe('rollout transitions for history', () => {
  it('reports a rollout start, a wave finishing into its soak, the next wave starting, and a pause and resume', () => {
    const first = decide(v1Pods(nodeList)).result.status;
    expect(rolloutTransitions(undefined, first).map((t) => t.kind)).toEqual(['RolloutStarted', 'WaveStarted']);
    const soakPods = [...v2Pods(v2({ waves }), nodeList.slice(0, 2), new Date(NOW.getTime() - 15_000)), ...v1Pods(nodeList.slice(2))];
    const soaking = decide(soakPods, first).result.status;
    expect(rolloutTransitions(first, soaking)).toEqual([
      { kind: 'WaveFinished', message: `zones/zone-a; soaking until ${new Date(NOW.getTime() + 45_000).toISOString()}`, wave: 'zones/zone-a' },
    ]);
    const later = [...v2Pods(v2({ waves }), nodeList.slice(0, 2), new Date(NOW.getTime() - 60_000)), ...v1Pods(nodeList.slice(2))];
    const next = decide(later, soaking).result.status;
    expect(rolloutTransitions(soaking, next)).toEqual([{ kind: 'WaveStarted', message: 'zones/zone-b', wave: 'zones/zone-b' }]);
    const paused = decide(later, next, { paused: true }).result.status;
    expect(rolloutTransitions(next, paused).map((t) => t.kind)).toEqual(['Paused']);
    const resumed = decide(later, paused).result.status;
    expect(rolloutTransitions(paused, resumed).map((t) => t.kind)).toEqual(['Resumed']);
    expect(rolloutTransitions(resumed, resumed)).toEqual([]);
  });
});

describe('pod projection', () => {
  it('keeps the restart counts of containers that restarted, through the event schema', () => {
    const pod = aPod('p', 'n', v2(), { ready: NOW });
    pod.metadata!.resourceVersion = '7';
    pod.status!.containerStatuses = [
      { name: 'a', image: 'x', imageID: '', ready: false, restartCount: 4 },
      { name: 'b', image: 'x', imageID: '', ready: true, restartCount: 0 },
    ];
    const projected = projectPod(pod);
    expect(projected.status!.containerStatuses).toEqual([{ name: 'a', restartCount: 4 }]);
    const event = parseLogEvent(JSON.parse(JSON.stringify({ type: 'PodObserved', clusterId: 'c', schemaVersion: 1, time: NOW.toISOString(), pod: projected })));
    expect((event as { pod: typeof projected }).pod.status!.containerStatuses).toEqual([{ name: 'a', restartCount: 4 }]);
  });
});

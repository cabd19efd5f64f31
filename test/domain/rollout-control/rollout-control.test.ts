// Rollout control, knob by knob and combined, in upstream's scenario style: the nodes and pods
// before one sync, and what that sync decides.
import { describe, expect, it } from 'vitest';
import type { V1DaemonSetStatus, V1Pod } from '@kubernetes/client-node';
import { RESUME_ANNOTATION } from '../../../domain/rollout-control/spec';
import { rolloutOf } from '../../../domain/rollout-control/rollout-status';
import { CONTROLLER_REVISION_HASH_LABEL } from '../../../domain/index';
import { aDaemonSet, aNode, aPod, at, createdOn, deleted, hashOf, nodes, NOW, run, RU } from '../builders';
import { H1, revisions, v1Pods, v2, v2Pods, zonedNodes, ZONE } from './fixtures';

const condition = (status: V1DaemonSetStatus, type: string) => status.conditions?.find((c) => c.type === type);
const createdHashes = (r: ReturnType<typeof run>) => r.create.map((c) => c.pod.metadata!.labels![CONTROLLER_REVISION_HASH_LABEL]);

describe('without rollout fields', () => {
  it('writes no rollout conditions and no status.rollout: upstream behaviour, unchanged', () => {
    const r = run(aDaemonSet({ strategy: RU(1) }), nodes(0, 2));
    expect(r.status.conditions).toBeUndefined();
    expect(rolloutOf(r.status)).toBeUndefined();
  });

  it('drops the rollout conditions and status.rollout once the fields are removed', () => {
    const ds = v2();
    const previous = run(v2({ paused: true }), nodes(0, 1), v1Pods(nodes(0, 1)), { revisions: revisions(ds) }).status;
    const r = run({ ...ds, status: previous }, nodes(0, 1), v1Pods(nodes(0, 1)), { revisions: revisions(ds) });
    expect(r.status.conditions).toBeUndefined();
    expect(rolloutOf(r.status)).toBeUndefined();
    expect(deleted(r)).toEqual(['old-node-0']);
  });
});

describe('spec.paused', () => {
  const ds = v2({ paused: true, maxUnavailable: 3 });

  it('updates no pod while paused and says so in Paused and Progressing', () => {
    const r = run(ds, nodes(0, 4), v1Pods(nodes(0, 4)), { revisions: revisions(ds) });
    expect(r.create).toEqual([]);
    expect(r.delete).toEqual([]);
    expect(condition(r.status, 'Paused')).toMatchObject({ status: 'True', reason: 'PausedByUser', observedGeneration: 2 });
    expect(condition(r.status, 'Progressing')).toMatchObject({ status: 'Unknown', reason: 'Paused' });
    expect(r.waits.map((w) => w.reason)).toContain('rollout paused: spec.paused is true; no pod is updated until it is resumed');
  });

  it('gives a node that joins while paused the revision most nodes run', () => {
    const mostlyOld = run(ds, nodes(0, 4), v1Pods(nodes(0, 3)), { revisions: revisions(ds) });
    expect(createdOn(mostlyOld)).toEqual(['node-4']);
    expect(createdHashes(mostlyOld)).toEqual([H1]);
    expect(mostlyOld.create[0]!.pod.spec!.containers[0]!.image).toBe('foo/bar'); // v1's template, not v2's
    const mostlyNew = run(ds, nodes(0, 4), [...v1Pods(nodes(0, 0)), ...v2Pods(ds, nodes(1, 3))], { revisions: revisions(ds) });
    expect(createdHashes(mostlyNew)).toEqual([hashOf(ds)]);
  });

  it('continues where it stopped once resumed', () => {
    const resumed = v2({ paused: false, maxUnavailable: 3 });
    const pods = [...v2Pods(resumed, nodes(0, 1)), ...v1Pods(nodes(2, 4))];
    const r = run(resumed, nodes(0, 4), pods, { revisions: revisions(resumed) });
    expect(deleted(r)).toEqual(['old-node-2', 'old-node-3', 'old-node-4']);
    expect(condition(r.status, 'Paused')).toMatchObject({ status: 'False' });
  });
});

describe('rollingUpdate.partition and rollingUpdate.selector', () => {
  it('keeps the last `partition` nodes of the rollout order on the old revision', () => {
    const ds = v2({ partition: 2, maxUnavailable: 5 });
    const r = run(ds, nodes(0, 4), v1Pods(nodes(0, 4)), { revisions: revisions(ds) });
    expect(deleted(r)).toEqual(['old-node-0', 'old-node-1', 'old-node-2']);
    expect(r.waits.map((w) => w.reason)).toContain('held on the old revision: 2 nodes kept by rollingUpdate.partition');
  });

  it('reports the rollout complete when every node outside the partition is updated', () => {
    const ds = v2({ partition: '40%' });
    const r = run(ds, nodes(0, 4), [...v2Pods(ds, nodes(0, 2)), ...v1Pods(nodes(3, 4))], { revisions: revisions(ds) });
    expect(r.delete).toEqual([]);
    expect(condition(r.status, 'Progressing')).toMatchObject({
      status: 'True',
      reason: 'RolloutComplete',
      message: '3 of 3 nodes updated, 2 held on the old revision',
    });
  });

  it('updates only the canary nodes the selector matches, and a new node outside it gets the old revision', () => {
    const ds = v2({ selector: { matchLabels: { canary: 'true' } }, maxUnavailable: 5 });
    const nodeList = [aNode('a', { labels: { canary: 'true' } }), aNode('b'), aNode('c', { labels: { canary: 'true' } }), aNode('d')];
    const r = run(ds, nodeList, v1Pods(nodeList.slice(0, 3)), { revisions: revisions(ds) });
    expect(deleted(r)).toEqual(['old-a', 'old-c']);
    expect(createdOn(r)).toEqual(['d']);
    expect(createdHashes(r)).toEqual([H1]);
  });
});

describe('rollingUpdate.waves', () => {
  const waves = [{ name: 'zones', topologyKey: ZONE, maxUnavailable: 2, minSuccessSeconds: 60 }];
  const nodeList = zonedNodes(['zone-a', 'zone-b', 'zone-c'], 3);

  it('updates one zone at a time, in zone order, with the wave’s own maxUnavailable', () => {
    const ds = v2({ waves });
    const r = run(ds, nodeList, v1Pods(nodeList), { revisions: revisions(ds) });
    expect(deleted(r)).toEqual(['old-zone-a-0', 'old-zone-a-1']);
    expect(rolloutOf(r.status)).toMatchObject({ currentWave: 'zones/zone-a', phase: 'Rolling' });
    expect(r.waits.map((w) => w.reason)).toEqual(
      expect.arrayContaining([
        'wave not started: zones/zone-b (3 nodes) waits for zones/zone-a',
        'wave not started: zones/zone-c (3 nodes) waits for zones/zone-a',
      ]),
    );
  });

  it('soaks a finished wave for minSuccessSeconds, waking when the soak ends', () => {
    const ds = v2({ waves });
    const zoneA = nodeList.slice(0, 3);
    const pods = [...v2Pods(ds, zoneA, new Date(NOW.getTime() - 20_000)), ...v1Pods(nodeList.slice(3))];
    const r = run(ds, nodeList, pods, { revisions: revisions(ds) });
    expect(r.delete).toEqual([]);
    expect(r.requeueAfterSeconds).toBe(40);
    expect(condition(r.status, 'Progressing')).toMatchObject({ status: 'True', reason: 'WaveSoaking' });
    expect(rolloutOf(r.status)).toMatchObject({ phase: 'Soaking', soakUntil: new Date(NOW.getTime() + 40_000).toISOString() });
  });

  it('starts the next wave once every pod of the last one has stayed available for minSuccessSeconds', () => {
    const ds = v2({ waves });
    const pods = [...v2Pods(ds, nodeList.slice(0, 3), new Date(NOW.getTime() - 60_000)), ...v1Pods(nodeList.slice(3))];
    const r = run(ds, nodeList, pods, { revisions: revisions(ds) });
    expect(deleted(r)).toEqual(['old-zone-b-0', 'old-zone-b-1']);
  });

  it('restarts the soak when a pod of the wave turns Ready again (it was not available all along)', () => {
    const ds = v2({ waves });
    const pods = [
      ...v2Pods(ds, nodeList.slice(0, 2), at(0)),
      ...v2Pods(ds, nodeList.slice(2, 3), new Date(NOW.getTime() - 5_000)),
      ...v1Pods(nodeList.slice(3)),
    ];
    expect(run(ds, nodeList, pods, { revisions: revisions(ds) }).requeueAfterSeconds).toBe(55);
  });

  it('takes a percentage of nodes, then labelled nodes, then the rest, and falls back to the strategy’s budget', () => {
    const ds = v2({
      maxUnavailable: 1,
      waves: [
        { name: 'first', nodes: '20%', maxUnavailable: 1 },
        { name: 'gpu', selector: { matchLabels: { gpu: 'yes' } }, maxUnavailable: 5 },
      ],
    });
    const nodeList = [...nodes(0, 7), aNode('x-gpu-0', { labels: { gpu: 'yes' } }), aNode('x-gpu-1', { labels: { gpu: 'yes' } })]; // by name: node-0 and node-1 first
    const pods = [...v2Pods(ds, nodeList.slice(0, 2)), ...v1Pods(nodeList.slice(2))];
    const r = run(ds, nodeList, pods, { revisions: revisions(ds) });
    expect(rolloutOf(r.status)!.waves.map((w) => [w.name, w.nodes])).toEqual([
      ['first', 2],
      ['gpu', 2],
      ['rest', 6],
    ]);
    expect(deleted(r)).toEqual(['old-x-gpu-0', 'old-x-gpu-1']);
  });

  it('gives a node that joins a started wave the new revision, and one in a later wave the old', () => {
    const ds = v2({ waves });
    const present = [...nodeList.slice(0, 2), ...nodeList.slice(3, 5)];
    const r = run(
      ds,
      nodeList.filter((n) => !['zone-b-2'].includes(n.metadata!.name!)),
      v1Pods(present),
      { revisions: revisions(ds) },
    );
    const byNode = Object.fromEntries(r.create.map((c) => [c.nodeName, c.pod.metadata!.labels![CONTROLLER_REVISION_HASH_LABEL]]));
    expect(byNode['zone-a-2']).toBe(hashOf(ds));
    expect(byNode['zone-c-0']).toBe(H1);
  });

  it('uses a wave’s maxSurge: new pods beside old ones, within the wave', () => {
    const ds = v2({ waves: [{ name: 'zones', topologyKey: ZONE, maxSurge: 1 }] });
    const r = run(ds, nodeList, v1Pods(nodeList), { revisions: revisions(ds) });
    expect(createdOn(r)).toEqual(['zone-a-0']);
    expect(r.delete).toEqual([]);
  });

  it('never sends the rollout back to a finished wave when a node joins it', () => {
    const ds = v2({ waves });
    const base = run(ds, nodeList, [...v2Pods(ds, nodeList.slice(0, 6), at(0)), ...v1Pods(nodeList.slice(6))], { revisions: revisions(ds) });
    expect(rolloutOf(base.status)!.currentWave).toBe('zones/zone-c');
    const joined = [...nodeList, aNode('zone-a-9', { labels: { [ZONE]: 'zone-a' } })];
    const r = run({ ...ds, status: base.status }, joined, [...v2Pods(ds, nodeList.slice(0, 6), at(0)), ...v1Pods(nodeList.slice(6))], {
      revisions: revisions(ds),
    });
    expect(rolloutOf(r.status)!.currentWave).toBe('zones/zone-c');
    expect(deleted(r)).toEqual(['old-zone-c-0', 'old-zone-c-1']);
  });
});

describe('spec.progressDeadlineSeconds', () => {
  const nodeList = nodes(0, 2);
  const stuck = (ds: ReturnType<typeof v2>): V1Pod[] => [aPod('new-node-0', 'node-0', ds, { created: at(0), unready: true }), ...v1Pods(nodes(1, 2))];

  it('wakes when the deadline is due, and marks Progressing False with ProgressDeadlineExceeded once it passes without progress', () => {
    const ds = v2({ progressDeadlineSeconds: 600 });
    const first = run(ds, nodeList, stuck(ds), { revisions: revisions(ds), now: at(1000) });
    expect(first.requeueAfterSeconds).toBe(600);
    expect(condition(first.status, 'Progressing')).toMatchObject({ status: 'True', reason: 'NewRevisionRolling' });
    const later = run({ ...ds, status: first.status }, nodeList, stuck(ds), { revisions: revisions(ds), now: at(1600) });
    expect(condition(later.status, 'Progressing')).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded' });
    expect(rolloutOf(later.status)!.progressedAt).toBe(at(1000).toISOString());
  });

  it('restarts the clock when a node finishes', () => {
    const ds = v2({ progressDeadlineSeconds: 600 });
    const first = run(ds, nodeList, stuck(ds), { revisions: revisions(ds), now: at(1000) });
    const progressed = [aPod('new-node-0', 'node-0', ds, { created: at(0), ready: at(1500) }), ...v1Pods(nodes(1, 2))];
    const later = run({ ...ds, status: first.status }, nodeList, progressed, { revisions: revisions(ds), now: at(1600) });
    expect(condition(later.status, 'Progressing')).toMatchObject({ status: 'True', reason: 'NewRevisionRolling' });
    expect(rolloutOf(later.status)!.progressedAt).toBe(at(1600).toISOString());
  });
});

describe('rollingUpdate.maxFailedNodes', () => {
  const nodeList = nodes(0, 5);
  const failing = (ds: ReturnType<typeof v2>, n: number): V1Pod[] => [
    ...nodes(0, n - 1).map((node) => aPod(`new-${node.metadata!.name}`, node.metadata!.name!, ds, { created: at(0), phase: 'Failed' })),
    ...v1Pods(nodes(n, 5)),
  ];

  it('stops the rollout when more new pods failed than the budget, naming the nodes', () => {
    const ds = v2({ maxFailedNodes: 1, maxUnavailable: 3 });
    const r = run(ds, nodeList, failing(ds, 2), { revisions: revisions(ds) });
    expect(r.delete.filter((d) => d.reason === 'rolling update')).toEqual([]);
    expect(condition(r.status, 'Paused')).toMatchObject({ status: 'True', reason: 'FailureBudgetExceeded' });
    expect(condition(r.status, 'Paused')!.message).toContain('node-0 (pod Failed), node-1 (pod Failed)');
    expect(rolloutOf(r.status)!.phase).toBe('Stopped');
  });

  it('stays stopped after the failed pods are gone, until resumed', () => {
    const ds = v2({ maxFailedNodes: 1, maxUnavailable: 3 });
    const stopped = run(ds, nodeList, failing(ds, 2), { revisions: revisions(ds) }).status;
    const healthy = v1Pods(nodes(2, 5)); // manage deleted the failed pods; node-0 and node-1 are empty
    const still = run({ ...ds, status: stopped }, nodeList, healthy, { revisions: revisions(ds) });
    expect(deleted(still)).toEqual([]);
    expect(createdHashes(still)).toEqual([H1, H1]); // the old revision: the failing one does not spread
    const resumed = v2({ maxFailedNodes: 1, maxUnavailable: 3, annotations: { [RESUME_ANNOTATION]: '1' } });
    const again = run({ ...resumed, status: stopped }, nodeList, healthy, { revisions: revisions(resumed) });
    expect(condition(again.status, 'Paused')).toMatchObject({ status: 'False' });
    expect(again.delete.length + again.create.length).toBeGreaterThan(0);
  });

  it('counts a crash-looping new pod (3 restarts) and one not Ready within the deadline', () => {
    const ds = v2({ maxFailedNodes: 1, progressDeadlineSeconds: 300 });
    const crashing = aPod('new-node-0', 'node-0', ds, { created: at(900), unready: true });
    crashing.status!.containerStatuses = [{ name: 'foo', image: 'foo/bar:2', imageID: '', ready: false, restartCount: 3 }];
    const slow = aPod('new-node-1', 'node-1', ds, { created: at(0), unready: true });
    const r = run(ds, nodeList, [crashing, slow, ...v1Pods(nodes(2, 5))], { revisions: revisions(ds) });
    expect(rolloutOf(r.status)!.failedNodes).toEqual([
      { nodeName: 'node-0', reason: 'crash-looping (3 restarts)' },
      { nodeName: 'node-1', reason: 'not Ready within 300s' },
    ]);
    expect(rolloutOf(r.status)!.phase).toBe('Stopped');
  });

  it('keeps going within the budget', () => {
    const ds = v2({ maxFailedNodes: '34%', maxUnavailable: 3 }); // ceil(0.34 × 6) = 3
    const r = run(ds, nodeList, failing(ds, 2), { revisions: revisions(ds) });
    expect(rolloutOf(r.status)!.phase).toBe('Rolling');
  });
});

describe('invalid rollout fields', () => {
  it.each([
    [{ maxFailedNodes: '120%' }, 'spec.updateStrategy.rollingUpdate.maxFailedNodes'],
    [{ partition: -1 }, 'spec.updateStrategy.rollingUpdate.partition'],
    [{ progressDeadlineSeconds: 0 }, 'spec.progressDeadlineSeconds'],
    [{ waves: [{ name: 'a' }] }, 'spec.updateStrategy.rollingUpdate.waves[0]'],
    [{ waves: [{ topologyKey: ZONE, maxUnavailable: 0 }] }, 'spec.updateStrategy.rollingUpdate.waves[0].maxUnavailable'],
    [{ waves: [{ nodes: 1, maxUnavailable: 1, maxSurge: 1 }] }, 'spec.updateStrategy.rollingUpdate.waves[0].maxSurge'],
    [{ waves: [{ topologyKey: 'bad key!' }] }, 'spec.updateStrategy.rollingUpdate.waves[0].topologyKey'],
    [
      {
        waves: [
          { name: 'x', nodes: 1 },
          { name: 'x', nodes: 1 },
        ],
      },
      'spec.updateStrategy.rollingUpdate.waves[1].name',
    ],
  ] as const)('rejects %j with InvalidSpec naming %s, touching no pod', (fields, field) => {
    const ds = v2(fields as never);
    const r = run(ds, nodes(0, 2), v1Pods(nodes(0, 1)), { revisions: revisions(ds) });
    expect(r.create).toEqual([]);
    expect(r.delete).toEqual([]);
    expect(condition(r.status, 'InvalidSpec')!.message).toContain(`${field}:`);
  });
});

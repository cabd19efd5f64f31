// The fleet's staged rollout as a pure decision: which clusters start, when stages advance (soak,
// approval), what fails a cluster (deadline) and what halts the run (maxFailedClusters), and the
// plan frozen when a revision starts.
import { describe, expect, it } from 'vitest';
import { decideFleet, type FleetDecision, type FleetInput } from '../../../domain/fleet/decide';
import type { FleetEvent } from '../../../domain/fleet/events';
import { freezePlan } from '../../../domain/fleet/plan';
import type { ClusterObservation } from '../../../domain/fleet/progressive';
import { foldFleet, type FleetState } from '../../../domain/fleet/state';
import type { FleetDaemonSet, FleetStage } from '../../../domain/fleet/types';
import { aFleet, at, cluster, done, FOUR, rolling, template } from './builders';

const STAGES: FleetStage[] = [
  { name: 'dev', clusterSelector: { matchLabels: { env: 'dev' } } },
  { name: 'staging', clusterSelector: { matchLabels: { env: 'staging' } }, minSuccessSeconds: 300 },
  { name: 'prod', clusterSelector: { matchLabels: { env: 'prod' } }, maxConcurrency: 1, progressDeadlineSeconds: 600, approval: true },
];
const staged = (stages = STAGES): FleetDaemonSet => aFleet({ rollout: { stages }, disruptionBudget: { maxUnavailableNodes: '10%' } });
const applied = (fleet: FleetDaemonSet, revision = 1, s = 0): FleetEvent => ({ type: 'FleetApplied', time: at(s).toISOString(), fleet, revision });

/** Runs the loop as the runtime does: decide, fold its events and every write as succeeded. */
class Harness {
  state: FleetState;
  observed: Record<string, ClusterObservation> = {};
  constructor(
    events: FleetEvent[],
    public clusters = FOUR,
  ) {
    this.state = foldFleet(events);
  }
  step(s: number): FleetDecision {
    const input: FleetInput = { state: this.state, clusters: this.clusters, observed: this.observed, now: at(s) };
    const d = decideFleet(input)!;
    const written: FleetEvent[] = d.write.map((w) => ({
      type: 'FleetClusterWritten',
      time: at(s).toISOString(),
      clusterId: w.clusterId,
      revision: w.revision,
      outcome: 'succeeded',
    }));
    const removed: FleetEvent[] = d.remove.map((r) => ({ type: 'FleetClusterRemoved', time: at(s).toISOString(), clusterId: r.clusterId, policy: r.policy }));
    this.state = foldFleet([...d.events, ...written, ...removed], this.state);
    return d;
  }
  give(events: FleetEvent[]) {
    this.state = foldFleet(events, this.state);
  }
}
const written = (d: FleetDecision) => d.write.map((w) => w.clusterId);

describe('freezePlan', () => {
  it('puts each placed cluster in the first stage that selects it, and the rest in a last stage', () => {
    const plan = freezePlan(
      staged([STAGES[0]!, { name: 'prod', clusterSelector: { matchLabels: { env: 'prod' } }, maxConcurrency: '50%', maxFailedClusters: '50%' }]).spec,
      1,
      FOUR,
    );
    expect(plan.stages.map((s) => [s.name, s.clusters, s.maxConcurrency, s.maxFailedClusters])).toEqual([
      ['dev', ['dev-1'], 1, 0],
      ['prod', ['prod-a', 'prod-b'], 1, 1],
      ['remaining', ['staging-1'], 1, 0],
    ]);
    expect(Object.keys(plan.specs).sort()).toEqual(['dev-1', 'prod-a', 'prod-b', 'staging-1']);
  });
  it('starts every cluster at once without a rollout strategy', () => {
    expect(freezePlan(aFleet().spec, 1, FOUR).stages).toEqual([expect.objectContaining({ name: 'all', maxConcurrency: 4 })]);
  });
});

describe('decideFleet: a staged run', () => {
  it('walks dev → staging → soak → approval → prod one cluster at a time', () => {
    const h = new Harness([applied(staged())]);
    let d = h.step(0);
    expect(d.events[0]).toMatchObject({ type: 'FleetRunStarted' });
    expect(written(d)).toEqual(['dev-1']);
    expect(h.step(10).write).toEqual([]); // written once; dev still rolling
    h.observed['dev-1'] = done(1);
    d = h.step(20);
    expect(d.events.map((e) => e.type)).toEqual(['FleetClusterSucceeded', 'FleetClusterStarted']);
    expect(written(d)).toEqual(['staging-1']);
    h.observed['staging-1'] = done(1);
    d = h.step(30);
    expect(d.waits).toEqual([{ stage: 'staging', reason: 'soaking: 300s of 300s left' }]);
    expect(d.requeueAfterSeconds).toBe(300);
    d = h.step(329);
    expect(d.waits[0]!.reason).toBe('soaking: 1s of 300s left');
    d = h.step(330);
    expect(d.waits).toEqual([{ stage: 'prod', reason: 'waiting for approval: daemonloop fleet approve --stage prod' }]);
    expect(d.write).toEqual([]);
    h.give([{ type: 'FleetStageApproved', time: at(400).toISOString(), revision: 1, stage: 'prod' }]);
    d = h.step(400);
    expect(written(d)).toEqual(['prod-a']);
    expect(d.waits).toContainEqual({ stage: 'prod', clusterId: 'prod-b', reason: 'maxConcurrency 1 in flight' });
    h.observed['prod-a'] = done(1);
    expect(written(h.step(410))).toEqual(['prod-b']);
    h.observed['prod-b'] = done(1);
    d = h.step(420);
    expect(d.events).toContainEqual(expect.objectContaining({ type: 'FleetRunFinished', outcome: 'Succeeded' }));
    expect(h.state.run!.outcome).toBe('Succeeded');
  });

  it('restarts the soak when a soaking cluster stops being available', () => {
    const h = new Harness([applied(staged())]);
    h.step(0);
    h.observed['dev-1'] = done(1);
    h.step(10);
    h.observed['staging-1'] = done(1);
    h.step(20); // staging succeeded at 20: soak until 320
    h.observed['staging-1'] = rolling(1, 9);
    const d = h.step(100);
    expect(d.events).toEqual([expect.objectContaining({ type: 'FleetClusterRegressed', clusterId: 'staging-1', reason: '9/10 updated, 9/10 available' })]);
    h.observed['staging-1'] = done(1);
    h.step(200); // succeeded again at 200
    expect(h.step(499).waits[0]!.reason).toBe('soaking: 1s of 300s left');
  });

  it('fails a cluster past its progress deadline and halts the run when failures exceed maxFailedClusters', () => {
    const h = new Harness([
      applied(staged([{ name: 'prod', clusterSelector: { matchLabels: { env: 'prod' } }, maxConcurrency: 2, progressDeadlineSeconds: 600 }])),
    ]);
    h.step(0); // dev-1 and staging-1 go to "remaining" after prod
    expect(Object.keys(h.state.run!.clusters).sort()).toEqual(['prod-a', 'prod-b']);
    h.observed['prod-a'] = done(1);
    h.observed['prod-b'] = rolling(1, 3); // crash-looping pods never become available
    expect(h.step(599).requeueAfterSeconds).toBe(1);
    const d = h.step(600);
    expect(d.events.map((e) => e.type)).toEqual(['FleetClusterFailed', 'FleetRunFinished']);
    expect(d.events[1]).toMatchObject({ outcome: 'Failed', reason: 'stage prod: 1 failed cluster(s) (prod-b), maxFailedClusters 0' });
    expect(h.step(700).write).toEqual([]); // halted: the remaining stage never starts
    expect(h.state.run!.clusters['dev-1']).toBeUndefined();
  });

  it('carries on past a failure within maxFailedClusters', () => {
    const h = new Harness([
      applied(
        staged([{ name: 'prod', clusterSelector: { matchLabels: { env: 'prod' } }, maxConcurrency: 2, progressDeadlineSeconds: 60, maxFailedClusters: 1 }]),
      ),
    ]);
    h.step(0);
    h.observed['prod-a'] = done(1);
    const d = h.step(60);
    expect(d.events.map((e) => e.type)).toEqual(['FleetClusterSucceeded', 'FleetClusterFailed', 'FleetClusterStarted']);
    expect(written(d)).toEqual(['dev-1']); // the "remaining" stage, one at a time
  });

  it('starts nothing new while paused, and resumes where it stopped', () => {
    const h = new Harness([applied(staged()), { type: 'FleetPauseChanged', time: at(0).toISOString(), paused: true }]);
    const d = h.step(0);
    expect(d.write).toEqual([]);
    expect(d.waits).toEqual([{ stage: 'dev', reason: 'paused: 1 cluster(s) not started' }]);
    h.give([{ type: 'FleetPauseChanged', time: at(5).toISOString(), paused: false }]);
    expect(written(h.step(5))).toEqual(['dev-1']);
  });

  it('rewrites a cluster whose write failed, until one succeeds', () => {
    const h = new Harness([applied(staged())]);
    const d = decideFleet({ state: h.state, clusters: FOUR, observed: {}, now: at(0) })!;
    h.give([
      ...d.events,
      { type: 'FleetClusterWritten', time: at(0).toISOString(), clusterId: 'dev-1', revision: 1, outcome: 'failed', reason: 'connection refused' },
    ]);
    expect(written(h.step(1))).toEqual(['dev-1']);
    expect(h.step(2).write).toEqual([]);
  });
});

describe('decideFleet: revisions and placement', () => {
  it('supersedes an unfinished run with a new revision and freezes a new plan', () => {
    const h = new Harness([applied(staged())]);
    h.step(0);
    const v2 = staged();
    v2.spec.template = template('fluentd:v2');
    h.give([applied(v2, 2, 5)]);
    const d = h.step(5);
    expect(d.events[0]).toMatchObject({ type: 'FleetRunStarted', supersedes: 1, plan: { revision: 2 } });
    expect(d.write).toEqual([{ clusterId: 'dev-1', revision: 2, spec: template('fluentd:v2') }]);
  });

  it('keeps the frozen plan when the stages change mid-run', () => {
    const h = new Harness([applied(staged())]);
    h.step(0);
    h.give([applied(staged([{ name: 'everything', clusterSelector: {}, maxConcurrency: 4 }]), 1, 5)]); // same template: same revision
    h.observed['dev-1'] = done(1);
    const d = h.step(10);
    expect(d.events.some((e) => e.type === 'FleetRunStarted')).toBe(false);
    expect(written(d)).toEqual(['staging-1']); // still the frozen dev → staging order
  });

  it('gives a cluster that joins mid-run the run revision at once, and removes one that leaves', () => {
    const fleet = staged();
    fleet.spec.placement = { clusterSelector: { matchExpressions: [{ key: 'env', operator: 'In', values: ['dev', 'staging', 'prod', 'edge'] }] } };
    const h = new Harness([applied(fleet)]);
    h.step(0);
    h.observed['dev-1'] = done(1);
    h.clusters = [...FOUR.filter((c) => c.clusterId !== 'dev-1'), cluster('dev-1', { env: 'retired' }), cluster('edge-1', { env: 'edge' })];
    const d = h.step(10);
    expect(d.events).toContainEqual(expect.objectContaining({ type: 'FleetClusterStarted', clusterId: 'edge-1', stage: 'joined' }));
    expect(written(d)).toEqual(['edge-1', 'staging-1']); // dev's stage is empty now: staging starts
    expect(d.remove).toEqual([{ clusterId: 'dev-1', policy: 'Delete' }]);
    expect(h.state.deployed['dev-1']).toBeUndefined();
  });

  it('orphans instead of deleting when removalPolicy says so', () => {
    const h = new Harness([applied({ ...staged(), spec: { ...staged().spec, removalPolicy: 'Orphan' } })]);
    h.step(0);
    h.clusters = FOUR.filter((c) => c.clusterId !== 'dev-1');
    expect(h.step(1).remove).toEqual([{ clusterId: 'dev-1', policy: 'Orphan' }]);
  });

  it('sizes the node budget from the placement’s eligible nodes', () => {
    const h = new Harness([applied(staged())]);
    h.observed = { 'dev-1': rolling(0, 0, 20), 'prod-a': rolling(0, 0, 500), 'prod-b': rolling(0, 0, 480), 'staging-1': done(0, 0) };
    expect(h.step(0).budget).toEqual({ limit: 100 });
  });
});

describe('fleetStatus', () => {
  it('sums node counters over placed clusters, counts updated only at the current revision, and says why it waits', async () => {
    const { fleetStatus } = await import('../../../domain/fleet/status');
    const h = new Harness([applied(staged())]);
    h.step(0);
    h.observed = { 'dev-1': rolling(1, 4), 'prod-a': done(0, 20), 'prod-b': done(0, 20), 'staging-1': done(0, 5) };
    const s = fleetStatus(h.state, FOUR, h.observed, at(10))!;
    expect([s.revision, s.clusters, s.desired, s.updated, s.available, s.stage]).toEqual([1, 4, 55, 4, 49, 'dev']);
    expect(s.perCluster.find((c) => c.clusterId === 'prod-a')).toMatchObject({ stage: 'prod', state: 'Pending', updated: 0, revision: 0 });
    expect(s.conditions.find((c) => c.type === 'Progressing')).toMatchObject({
      status: 'True',
      reason: 'Stage dev',
      message: 'rolling out: 4/10 updated, 4/10 available',
    });
    expect(s.conditions.find((c) => c.type === 'Available')).toMatchObject({ status: 'False', message: 'dev-1 4/10' });
  });
});

// A fleet member's picture marks its fleet's stages as they concern its cluster: the mapping from
// the `fleet/<name>` stream reads two clusters' events and keeps only this cluster's, plus what
// holds every member (the run, its stage's approval, the fleet's pauses), at the events' times.
import { describe, expect, it } from 'vitest';
import type { FleetEvent } from '../../domain/fleet/events';
import type { PlannedStage } from '../../domain/fleet/plan';
import type { FleetDaemonSet } from '../../domain/fleet/types';
import { controlBands, pictureModel, renderRolloutHtml, renderRolloutSvg } from '../../functions/cli/commands/render-rollout-picture';
import { fleetStageMarks, withFleetMarks } from '../../functions/log/fleet-stage-marks';
import { readLifecycles } from '../../functions/log/lifecycles';
import { NOW } from '../domain/builders';
import { controlledLog, t } from './rollout-control-log';

const at = (s: number) => t(s).toISOString();
const stage = (name: string, clusters: string[], approval = false): PlannedStage => ({
  name,
  clusters,
  maxConcurrency: 1,
  minSuccessSeconds: 0,
  maxFailedClusters: 0,
  approval,
});
const fleet = {
  apiVersion: 'daemonloop.dev/v1alpha1',
  kind: 'FleetDaemonSet',
  metadata: { name: 'fluentd', namespace: 'kube-system' },
  spec: {},
} as unknown as FleetDaemonSet;

/** dev-1 goes first and succeeds; prod-eu waits for its stage's approval, a fleet pause, then fails. */
const stream = (): { commit: number; events: FleetEvent[] }[] => [
  { commit: 1, events: [{ type: 'FleetApplied', time: at(0), fleet, revision: 2 }] },
  {
    commit: 2,
    events: [
      { type: 'FleetRunStarted', time: at(1), plan: { revision: 2, stages: [stage('dev', ['dev-1']), stage('prod', ['prod-eu'], true)], specs: {} } },
      { type: 'FleetClusterStarted', time: at(1), revision: 2, clusterId: 'dev-1', stage: 'dev' },
    ],
  },
  { commit: 3, events: [{ type: 'FleetClusterWritten', time: at(2), revision: 2, clusterId: 'dev-1', outcome: 'succeeded' }] },
  { commit: 4, events: [{ type: 'FleetClusterSucceeded', time: at(20), revision: 2, clusterId: 'dev-1' }] },
  { commit: 5, events: [{ type: 'FleetStageApproved', time: at(30), revision: 2, stage: 'prod' }] },
  { commit: 6, events: [{ type: 'FleetClusterStarted', time: at(40), revision: 2, clusterId: 'prod-eu', stage: 'prod' }] },
  { commit: 7, events: [{ type: 'FleetPauseChanged', time: at(50), paused: true }] },
  { commit: 8, events: [{ type: 'FleetPauseChanged', time: at(60), paused: false }] },
  { commit: 9, events: [{ type: 'FleetClusterFailed', time: at(90), revision: 2, clusterId: 'prod-eu', reason: 'progress deadline exceeded' }] },
  { commit: 10, events: [{ type: 'FleetRunFinished', time: at(91), revision: 2, outcome: 'Failed', reason: '1 cluster failed' }] },
];
const member = (clusterId: string) => ({ fleet: 'fluentd', clusterId, namespace: 'kube-system', name: 'fluentd' });
const brief = (marks: ReturnType<typeof fleetStageMarks>) =>
  marks.map((m) => [
    (m.ms - NOW.getTime()) / 1000,
    m.commit,
    m.type,
    m.label,
    m.reason,
    m.untilMs === undefined ? undefined : (m.untilMs - NOW.getTime()) / 1000,
  ]);

describe('fleet stage marks', () => {
  it("keeps only this cluster's stage, with the run, its stage's approval and the fleet's pauses", () => {
    const prod = fleetStageMarks(stream(), member('prod-eu'));
    expect(prod.every((m) => m.kind === 'stage' && m.streamId === 'fleet/fluentd')).toBe(true);
    expect(brief(prod)).toEqual([
      [1, 2, 'FleetRunStarted', 'revision 2', 'this cluster in stage prod', undefined],
      [30, 5, 'FleetStageApproved', 'prod', 'revision 2', undefined],
      [40, 6, 'FleetClusterStarted', 'prod', 'revision 2', 90], // its band: until it failed
      [50, 7, 'FleetPauseChanged', undefined, 'fleet paused', 60],
      [60, 8, 'FleetPauseChanged', undefined, 'fleet resumed', undefined],
      [90, 9, 'FleetClusterFailed', 'prod', 'revision 2: progress deadline exceeded', undefined],
      [91, 10, 'FleetRunFinished', 'revision 2', 'Failed: 1 cluster failed', undefined],
    ]);
    expect(brief(fleetStageMarks(stream(), member('dev-1')))).toEqual([
      [1, 2, 'FleetRunStarted', 'revision 2', 'this cluster in stage dev', undefined],
      [1, 2, 'FleetClusterStarted', 'dev', 'revision 2', 20],
      [20, 4, 'FleetClusterSucceeded', 'dev', 'revision 2', undefined],
      [50, 7, 'FleetPauseChanged', undefined, 'fleet paused', 60],
      [60, 8, 'FleetPauseChanged', undefined, 'fleet resumed', undefined],
      [91, 10, 'FleetRunFinished', 'revision 2', 'Failed: 1 cluster failed', undefined],
    ]);
  });

  it('marks nothing for a cluster outside the run, or a DaemonSet of the same name in another namespace', () => {
    expect(fleetStageMarks(stream(), member('other')).map((m) => m.type)).toEqual(['FleetPauseChanged', 'FleetPauseChanged']);
    expect(fleetStageMarks(stream(), { ...member('prod-eu'), namespace: 'default' })).toEqual([]);
  });

  it('draws the stage and the fleet pause as bands and every mark with its hover text', () => {
    const life = withFleetMarks(readLifecycles(controlledLog()), fleetStageMarks(stream(), member('prod-eu')));
    expect(life.controls.map((c) => c.ms)).toEqual([...life.controls.map((c) => c.ms)].sort((a, b) => a - b));
    const model = pictureModel(life, { title: 't' });
    const bands = controlBands(model).map(({ cls, from, to }) => [cls, (from - NOW.getTime()) / 1000, (to - NOW.getTime()) / 1000]);
    expect(bands).toContainEqual(['staged', 40, 90]);
    expect(bands).toContainEqual(['fleet-paused', 50, 60]);
    const svg = renderRolloutSvg(model);
    expect(svg).toMatch(/<line class="control stage"[^>]*><title>FleetClusterStarted prod: revision 2<\/title>/);
    expect(svg).toMatch(/<rect class="staged"[^>]*><title>FleetClusterStarted prod: revision 2<\/title>/);
    expect(svg).toContain('<title>FleetStageApproved prod: revision 2</title>');
    expect(svg).toContain('<title>FleetClusterFailed prod: revision 2: progress deadline exceeded</title>');
    const html = renderRolloutHtml(model);
    const data = JSON.parse(/<script id="rollout-data" type="application\/json">(.*?)<\/script>/s.exec(html)![1]!) as { controls: unknown[][] };
    expect(data.controls.filter((c) => c[6] === 'stage').map((c) => c[1])).toEqual([
      'FleetRunStarted',
      'FleetStageApproved',
      'FleetClusterStarted',
      'FleetPauseChanged',
      'FleetPauseChanged',
      'FleetClusterFailed',
      'FleetRunFinished',
    ]);
  });
});

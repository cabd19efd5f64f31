// A fleet member's share of its fleet's stream, as marks on the member's rollout picture: the runs
// that placed this cluster, its stage's approval, when its stage started for it and how it ended
// (succeeded, failed, regressed, removed), and the fleet's pauses, which hold every member. Pure:
// the caller reads the `fleet/<name>` stream (only for a DaemonSet a fleet wrote) and passes it in.
import type { FleetEvent } from '../../domain/fleet/events';
import type { ControlMark, Lifecycles } from './lifecycles';

export interface FleetMember {
  fleet: string;
  clusterId: string;
  namespace: string;
  name: string;
}

/** The `fleet/<name>` commits as marks for `member`, in stream order; none when the stream is another namespace's fleet. */
export function fleetStageMarks(commits: readonly { commit: number; events: readonly FleetEvent[] }[], member: FleetMember): ControlMark[] {
  const streamId = `fleet/${member.fleet}`;
  const marks: ControlMark[] = [];
  let stage: string | undefined; // this cluster's stage in the current run; undefined: not placed in it
  let staged: ControlMark | undefined; // the open stage band
  let paused: ControlMark | undefined; // the open fleet pause
  let applied: { namespace: string; name: string } | undefined;
  const endStage = (at: number) => {
    if (staged) staged.untilMs = at;
    staged = undefined;
  };
  for (const { commit, events } of commits) {
    for (const e of events) {
      const ms = Date.parse(e.time);
      const mark = (type: string, extra: Partial<ControlMark> = {}): ControlMark => {
        const m: ControlMark = { ms, commit, streamId, type, kind: 'stage', ...extra };
        marks.push(m);
        return m;
      };
      switch (e.type) {
        case 'FleetApplied':
          applied = { namespace: e.fleet.metadata.namespace ?? 'default', name: e.fleet.metadata.name };
          break;
        case 'FleetRunStarted':
          endStage(ms); // a superseded run's stage ends here
          stage = e.plan.stages.find((s) => s.clusters.includes(member.clusterId))?.name;
          if (stage !== undefined)
            mark('FleetRunStarted', {
              label: `revision ${e.plan.revision}`,
              reason: `this cluster in stage ${stage}${e.supersedes !== undefined ? `, superseding revision ${e.supersedes}` : ''}`,
            });
          break;
        case 'FleetStageApproved':
          if (stage !== undefined && e.stage === stage) mark('FleetStageApproved', { label: e.stage, reason: `revision ${e.revision}` });
          break;
        case 'FleetClusterStarted':
          if (e.clusterId !== member.clusterId) break;
          endStage(ms);
          stage = e.stage;
          staged = mark('FleetClusterStarted', { label: e.stage, reason: `revision ${e.revision}`, band: 'staged' });
          break;
        case 'FleetClusterSucceeded':
          if (e.clusterId !== member.clusterId) break;
          endStage(ms);
          mark('FleetClusterSucceeded', { ...(stage ? { label: stage } : {}), reason: `revision ${e.revision}` });
          break;
        case 'FleetClusterFailed':
        case 'FleetClusterRegressed':
          if (e.clusterId !== member.clusterId) break;
          endStage(ms);
          mark(e.type, { ...(stage ? { label: stage } : {}), reason: `revision ${e.revision}: ${e.reason}` });
          break;
        case 'FleetClusterRemoved':
          if (e.clusterId !== member.clusterId) break;
          endStage(ms);
          mark('FleetClusterRemoved', { reason: `deletion policy ${e.policy}` });
          break;
        case 'FleetRunFinished':
          endStage(ms);
          if (stage !== undefined) mark('FleetRunFinished', { label: `revision ${e.revision}`, reason: `${e.outcome}: ${e.reason}` });
          stage = undefined;
          break;
        case 'FleetPauseChanged':
          if (e.paused && !paused) paused = mark('FleetPauseChanged', { reason: 'fleet paused', band: 'fleet-paused' });
          else if (!e.paused && paused) {
            paused.untilMs = ms;
            paused = undefined;
            mark('FleetPauseChanged', { reason: 'fleet resumed' });
          }
          break;
        default: // FleetClusterWritten, FleetDecided: the loop's own bookkeeping
          break;
      }
    }
  }
  if (applied && (applied.namespace !== member.namespace || applied.name !== member.name)) return []; // not this DaemonSet's fleet
  return marks;
}

/** `life` with `marks` among its control marks, in time order (ties keep the rollout's first). */
export function withFleetMarks(life: Lifecycles, marks: readonly ControlMark[]): Lifecycles {
  if (marks.length === 0) return life;
  return { ...life, controls: [...life.controls, ...marks].sort((a, b) => a.ms - b.ms) };
}

// Which clusters a run starts now, and when it looks again — OCM's progressive rollout helper
// (GetRolloutCluster → ClustersToRollout, ClustersTimeOut, MaxFailureBreach, RecheckAfter)
// rewritten for stages: stages go in order; within the active stage at most maxConcurrency
// clusters are in flight, in cluster-id order; a cluster not rolled out progressDeadlineSeconds
// after it started has failed; more than maxFailedClusters failures halt the run; the next stage
// starts once every cluster of this one is rolled out (or failed within the budget) and the last
// success is minSuccessSeconds old (the soak), and — when it has a gate — once approved.
// Pure: time is an argument; the transitions it finds are returned as events.
import type { FleetEvent } from './events';
import type { PlannedStage } from './plan';
import type { RunState } from './state';

/** What the fleet reads of one cluster's DaemonSet (its status, as its own controller wrote it). */
export interface ClusterObservation {
  revision?: number; // the fleet revision annotation on the DaemonSet the cluster runs
  generation?: number;
  observedGeneration?: number;
  desired: number;
  updated: number;
  available: number;
  at?: number; // the DaemonSet-stream commit it was read at, recorded with the decision (fleet history --verify)
}

/** KubeFleet's DaemonSet availability: the controller saw this generation, and every desired pod is updated and available. */
export function rolledOut(observed: ClusterObservation | undefined, revision: number): boolean {
  if (!observed || observed.revision !== revision) return false;
  if ((observed.observedGeneration ?? -1) < (observed.generation ?? 0)) return false;
  return observed.updated >= observed.desired && observed.available >= observed.desired;
}

export const describeProgress = (o: ClusterObservation | undefined): string =>
  o ? `${o.updated}/${o.desired} updated, ${o.available}/${o.desired} available` : 'no DaemonSet observed yet';

/** Why the run holds back; each reason starts with a fixed phrase the CLI groups by. */
export interface FleetWait {
  stage?: string;
  clusterId?: string;
  reason: string;
}
export const FLEET_WAIT = {
  approval: 'waiting for approval',
  soak: 'soaking',
  paused: 'paused',
  concurrency: 'maxConcurrency',
  progressing: 'rolling out',
} as const;

export interface RolloutStep {
  events: FleetEvent[];
  start: { clusterId: string; stage: string }[];
  waits: FleetWait[];
  activeStage?: string;
  recheckAfterSeconds?: number;
}

export function progressRun(
  run: RunState,
  placed: ReadonlySet<string>,
  observed: Readonly<Record<string, ClusterObservation>>,
  now: Date,
  paused: boolean,
): RolloutStep {
  const step: RolloutStep = { events: [], start: [], waits: [] };
  if (run.outcome) return step;
  const t = now.getTime();
  const time = now.toISOString();
  const revision = run.revision;
  const recheck: number[] = [];
  const finish = (outcome: 'Succeeded' | 'Failed', reason: string) => step.events.push({ type: 'FleetRunFinished', time, revision, outcome, reason });

  for (const stage of run.plan.stages) {
    const clusters = stage.clusters.filter((id) => placed.has(id));
    const toApply: string[] = [];
    const failed: string[] = [];
    let progressing = 0;
    let latestSuccess = 0;
    for (const clusterId of clusters) {
      const c = run.clusters[clusterId];
      if (!c) {
        toApply.push(clusterId);
        continue;
      }
      if (c.failedAt) {
        failed.push(clusterId);
        continue;
      }
      const o = observed[clusterId];
      if (rolledOut(o, revision)) {
        if (!c.succeededAt) step.events.push({ type: 'FleetClusterSucceeded', time, revision, clusterId });
        latestSuccess = Math.max(latestSuccess, c.succeededAt ? Date.parse(c.succeededAt) : t);
        continue;
      }
      if (c.succeededAt) step.events.push({ type: 'FleetClusterRegressed', time, revision, clusterId, reason: describeProgress(o) });
      const deadline = deadlineOf(stage, c.startedAt);
      if (deadline !== undefined && t >= deadline) {
        step.events.push({
          type: 'FleetClusterFailed',
          time,
          revision,
          clusterId,
          reason: `progress deadline of ${stage.progressDeadlineSeconds}s exceeded: ${describeProgress(o)}`,
        });
        failed.push(clusterId);
        continue;
      }
      if (deadline !== undefined) recheck.push(deadline - t);
      progressing++;
      step.waits.push({ stage: stage.name, clusterId, reason: `${FLEET_WAIT.progressing}: ${describeProgress(o)}` });
    }

    if (failed.length > stage.maxFailedClusters) {
      finish('Failed', `stage ${stage.name}: ${failed.length} failed cluster(s) (${failed.join(', ')}), maxFailedClusters ${stage.maxFailedClusters}`);
      return step;
    }
    if (toApply.length > 0 || progressing > 0) {
      step.activeStage = stage.name;
      const started = clusters.length - toApply.length;
      if (toApply.length > 0) {
        if (stage.approval && started === 0 && !run.approvals.includes(stage.name)) {
          step.waits.push({ stage: stage.name, reason: `${FLEET_WAIT.approval}: daemonloop fleet approve --stage ${stage.name}` });
        } else if (paused) {
          step.waits.push({ stage: stage.name, reason: `${FLEET_WAIT.paused}: ${toApply.length} cluster(s) not started` });
        } else {
          const slots = Math.max(0, stage.maxConcurrency - progressing);
          for (const clusterId of toApply.slice(0, slots)) step.start.push({ clusterId, stage: stage.name });
          for (const clusterId of toApply.slice(slots))
            step.waits.push({ stage: stage.name, clusterId, reason: `${FLEET_WAIT.concurrency} ${stage.maxConcurrency} in flight` });
        }
      }
      return withRecheck(step, recheck);
    }
    const soakEnd = latestSuccess + stage.minSuccessSeconds * 1000;
    if (latestSuccess > 0 && t < soakEnd) {
      step.activeStage = stage.name;
      step.waits.push({ stage: stage.name, reason: `${FLEET_WAIT.soak}: ${Math.ceil((soakEnd - t) / 1000)}s of ${stage.minSuccessSeconds}s left` });
      recheck.push(soakEnd - t);
      return withRecheck(step, recheck);
    }
  }
  finish('Succeeded', `every stage rolled out revision ${revision}`);
  return step;
}

const deadlineOf = (stage: PlannedStage, startedAt: string): number | undefined =>
  stage.progressDeadlineSeconds !== undefined ? Date.parse(startedAt) + stage.progressDeadlineSeconds * 1000 : undefined;

function withRecheck(step: RolloutStep, recheckMs: number[]): RolloutStep {
  if (recheckMs.length > 0) step.recheckAfterSeconds = Math.max(1, Math.ceil(Math.min(...recheckMs) / 1000));
  return step;
}

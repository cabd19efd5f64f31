// One fleet decision (the fleet loop's `decide`): start a run when a new revision appears (a run
// in progress is superseded, visibly), give clusters that joined the placement the run's revision
// at once (nothing runs there to disrupt), take the run's next step, and say which clusters to
// (re)write, which to remove, and how large the node budget is now. Pure: the loop applies it.
import type { V1DaemonSetSpec } from '@kubernetes/client-node';
import { budgetLimit, type FleetBudgetSized } from './budget';
import { effectiveSpec } from './effective-spec';
import type { FleetDecided, FleetEvent } from './events';
import { selectClusters } from './placement';
import { freezePlan } from './plan';
import { progressRun, type ClusterObservation, type FleetWait } from './progressive';
import { foldFleet, type FleetState } from './state';
import type { FleetCluster } from './types';

export const JOINED_STAGE = 'joined';

export interface FleetInput {
  state: FleetState;
  clusters: FleetCluster[]; // every registered cluster
  observed: Record<string, ClusterObservation>; // by cluster id
  now: Date;
}

export interface FleetDecision {
  events: FleetEvent[];
  /** What the loop appends as the decision's commit: its events and what it read (FleetDecided), or nothing when it changed nothing. */
  recorded: FleetEvent[];
  write: { clusterId: string; revision: number; spec: V1DaemonSetSpec }[];
  remove: { clusterId: string; policy: 'Delete' | 'Orphan' }[];
  budget: Omit<FleetBudgetSized, 'type' | 'time'>;
  waits: FleetWait[];
  activeStage?: string;
  requeueAfterSeconds?: number;
}

export function decideFleet({ state: given, clusters, observed, now }: FleetInput): FleetDecision | undefined {
  const fleet = given.fleet;
  if (!fleet) return undefined;
  const time = now.toISOString();
  const events: FleetEvent[] = [];
  let state = given;
  const emit = (...more: FleetEvent[]) => {
    events.push(...more);
    state = foldFleet(more, state);
  };
  const placed = selectClusters(fleet.spec.placement, clusters);
  const placedIds = new Set(placed.map((c) => c.clusterId));

  // 1. a new revision freezes a new plan; an unfinished run is superseded
  if (!state.run || state.run.revision !== state.revision) {
    const old = state.run;
    emit({
      type: 'FleetRunStarted',
      time,
      plan: freezePlan(fleet.spec, state.revision, clusters),
      ...(old && !old.outcome ? { supersedes: old.revision } : {}),
    });
  }
  const run = () => state.run!;

  // 2. clusters that entered the placement after the plan was frozen: the run's revision, now — unless the run failed
  if (run().outcome !== 'Failed') {
    for (const cluster of placed) {
      if (run().plan.specs[cluster.clusterId] === undefined && !run().clusters[cluster.clusterId]) {
        emit({ type: 'FleetClusterStarted', time, revision: run().revision, clusterId: cluster.clusterId, stage: JOINED_STAGE });
      }
    }
  }

  // 3. the run's next step
  const step = progressRun(run(), placedIds, observed, now, state.paused);
  emit(...step.events);
  for (const { clusterId, stage } of step.start) emit({ type: 'FleetClusterStarted', time, revision: run().revision, clusterId, stage });

  // 4. what the clusters must be given: every started, placed cluster not yet written at the run's revision
  const revisionSpec = state.revisions[run().revision]?.spec ?? fleet.spec;
  const write: FleetDecision['write'] = [];
  for (const cluster of placed) {
    const id = cluster.clusterId;
    if (!run().clusters[id] || state.deployed[id] === run().revision) continue;
    write.push({ clusterId: id, revision: run().revision, spec: (run().plan.specs[id] ?? effectiveSpec(revisionSpec, cluster)).spec });
  }
  const remove = Object.keys(state.deployed)
    .filter((id) => !placedIds.has(id))
    .sort()
    .map((clusterId) => ({ clusterId, policy: fleet.spec.removalPolicy ?? ('Delete' as const) }));

  // 5. the node budget over the placement's eligible nodes (each cluster's desired count), shared fairly by the clusters rolling now
  const eligible = placed.reduce((n, c) => n + (observed[c.clusterId]?.desired ?? 0), 0);
  const rolling = placed.filter(({ clusterId: id }) => {
    const c = run().clusters[id];
    return c !== undefined && !c.failedAt && !c.succeededAt;
  });
  // Nodes each rolling cluster has left to replace: all of them until it runs the run's revision.
  const left = Object.fromEntries(
    rolling.flatMap(({ clusterId: id }) => {
      const o = observed[id];
      return o ? [[id, o.revision === run().revision ? Math.max(0, o.desired - o.updated) : o.desired]] : [];
    }),
  );
  const budget = budgetLimit(fleet.spec.disruptionBudget, eligible, rolling.length, left);

  // 6. what the decision read, recorded after its events when it has any (the loop appends them together)
  const registry = clusters.map((c) => ({ clusterId: c.clusterId, labels: c.labels }));
  const read = Object.fromEntries(placed.flatMap((c) => (observed[c.clusterId] ? [[c.clusterId, observed[c.clusterId]!]] : [])));
  const decided: FleetDecided = {
    type: 'FleetDecided',
    time,
    ...(JSON.stringify(given.decidedOn) === JSON.stringify(registry) ? {} : { clusters: registry }),
    observed: read,
    budget,
  };

  return {
    events,
    recorded: events.length > 0 ? [...events, decided] : [],
    write,
    remove,
    budget,
    waits: step.waits,
    ...(step.activeStage ? { activeStage: step.activeStage } : {}),
    ...(step.recheckAfterSeconds !== undefined ? { requeueAfterSeconds: step.recheckAfterSeconds } : {}),
  };
}

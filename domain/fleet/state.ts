// The fleet stream folded (emmett's evolve): the current spec and revision, every revision's spec
// (for undo and history), the run in progress with each cluster's progress, and what each cluster
// was last given. Events of a superseded run no longer change anything.
import type { FleetEvent } from './events';
import type { RolloutPlan } from './plan';
import type { FleetCluster, FleetDaemonSet } from './types';

export interface ClusterRun {
  stage: string;
  startedAt: string;
  succeededAt?: string; // cleared when the cluster regresses
  failedAt?: string;
  reason?: string;
}

export interface RunState {
  revision: number;
  plan: RolloutPlan;
  startedAt: string;
  supersedes?: number;
  clusters: Record<string, ClusterRun>;
  approvals: string[]; // stage names
  outcome?: 'Succeeded' | 'Failed';
  finishedAt?: string;
  reason?: string;
}

export interface FleetState {
  fleet?: FleetDaemonSet;
  revision: number; // 0 before the first apply
  appliedAt?: string; // first apply
  revisions: Record<number, FleetDaemonSet>;
  paused: boolean;
  run?: RunState;
  deployed: Record<string, number>; // cluster id → revision last written successfully
  decidedOn?: FleetCluster[]; // the registry as the last recorded decision read it (FleetDecided records only changes)
}

export const initialFleetState = (): FleetState => ({ revision: 0, revisions: {}, paused: false, deployed: {} });

export function evolveFleet(state: FleetState, event: FleetEvent): FleetState {
  const run = state.run;
  const inRun = (revision: number) => run !== undefined && run.revision === revision;
  const withCluster = (clusterId: string, change: (c: ClusterRun) => ClusterRun): FleetState => {
    const current = run!.clusters[clusterId];
    return current ? { ...state, run: { ...run!, clusters: { ...run!.clusters, [clusterId]: change(current) } } } : state;
  };
  switch (event.type) {
    case 'FleetApplied':
      return {
        ...state,
        fleet: event.fleet,
        revision: event.revision,
        appliedAt: state.appliedAt ?? event.time,
        revisions: { ...state.revisions, [event.revision]: event.fleet },
      };
    case 'FleetRunStarted':
      return {
        ...state,
        run: {
          revision: event.plan.revision,
          plan: event.plan,
          startedAt: event.time,
          ...(event.supersedes !== undefined ? { supersedes: event.supersedes } : {}),
          clusters: {},
          approvals: [],
        },
      };
    case 'FleetClusterStarted':
      if (!inRun(event.revision)) return state;
      return { ...state, run: { ...run!, clusters: { ...run!.clusters, [event.clusterId]: { stage: event.stage, startedAt: event.time } } } };
    case 'FleetClusterWritten':
      return event.outcome === 'succeeded' ? { ...state, deployed: { ...state.deployed, [event.clusterId]: event.revision } } : state;
    case 'FleetClusterSucceeded':
      return inRun(event.revision) ? withCluster(event.clusterId, (c) => ({ ...c, succeededAt: event.time })) : state;
    case 'FleetClusterRegressed':
      return inRun(event.revision) ? withCluster(event.clusterId, ({ succeededAt: _gone, ...c }) => c) : state;
    case 'FleetClusterFailed':
      return inRun(event.revision) ? withCluster(event.clusterId, (c) => ({ ...c, failedAt: event.time, reason: event.reason })) : state;
    case 'FleetRunFinished':
      return inRun(event.revision) ? { ...state, run: { ...run!, outcome: event.outcome, finishedAt: event.time, reason: event.reason } } : state;
    case 'FleetStageApproved':
      return inRun(event.revision) && !run!.approvals.includes(event.stage)
        ? { ...state, run: { ...run!, approvals: [...run!.approvals, event.stage] } }
        : state;
    case 'FleetPauseChanged':
      return { ...state, paused: event.paused };
    case 'FleetDecided':
      return event.clusters ? { ...state, decidedOn: event.clusters } : state;
    case 'FleetClusterRemoved': {
      const { [event.clusterId]: _gone, ...deployed } = state.deployed;
      return { ...state, deployed };
    }
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

export const foldFleet = (events: Iterable<FleetEvent>, from: FleetState = initialFleetState()): FleetState => {
  let state = from;
  for (const e of events) state = evolveFleet(state, e);
  return state;
};

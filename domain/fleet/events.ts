// The fleet stream's vocabulary (`fleet/<name>` in the log): what the operator asked for and what
// the fleet loop decided, so `fleet history --verify` can replay every step of a run.
import type { FleetBudgetSized } from './budget';
import type { RolloutPlan } from './plan';
import type { ClusterObservation } from './progressive';
import type { FleetCluster, FleetDaemonSet } from './types';

interface FleetEventBase<T extends string> {
  type: T;
  time: string; // ISO 8601
}

/** `revision` rises when the template or the overrides change; other edits keep it. */
export interface FleetApplied extends FleetEventBase<'FleetApplied'> {
  fleet: FleetDaemonSet;
  revision: number;
}
export interface FleetRunStarted extends FleetEventBase<'FleetRunStarted'> {
  plan: RolloutPlan;
  supersedes?: number; // the unfinished run this one replaces
}
export interface FleetClusterStarted extends FleetEventBase<'FleetClusterStarted'> {
  revision: number;
  clusterId: string;
  stage: string; // a stage name, or "joined" for a cluster that entered the placement mid-run
}
export interface FleetClusterWritten extends FleetEventBase<'FleetClusterWritten'> {
  revision: number;
  clusterId: string;
  outcome: 'succeeded' | 'failed';
  reason?: string;
}
export interface FleetClusterSucceeded extends FleetEventBase<'FleetClusterSucceeded'> {
  revision: number;
  clusterId: string;
}
export interface FleetClusterRegressed extends FleetEventBase<'FleetClusterRegressed'> {
  revision: number;
  clusterId: string;
  reason: string;
}
export interface FleetClusterFailed extends FleetEventBase<'FleetClusterFailed'> {
  revision: number;
  clusterId: string;
  reason: string;
}
export interface FleetRunFinished extends FleetEventBase<'FleetRunFinished'> {
  revision: number;
  outcome: 'Succeeded' | 'Failed';
  reason: string;
}
export interface FleetStageApproved extends FleetEventBase<'FleetStageApproved'> {
  revision: number;
  stage: string;
}
export interface FleetPauseChanged extends FleetEventBase<'FleetPauseChanged'> {
  paused: boolean;
}
export interface FleetClusterRemoved extends FleetEventBase<'FleetClusterRemoved'> {
  clusterId: string;
  policy: 'Delete' | 'Orphan';
}

/**
 * What a recorded decision read, last in its commit, so `fleet history --verify` decides it again
 * exactly: the decision's time is the event's, the fleet's state is the stream before the commit.
 * `clusters` (the registry's ids and labels) only when they differ from the previous decision's;
 * `observed`, each placed cluster's DaemonSet as the log held it (`at`: its stream commit).
 */
export interface FleetDecided extends FleetEventBase<'FleetDecided'> {
  clusters?: FleetCluster[];
  observed: Record<string, ClusterObservation>;
  budget: Omit<FleetBudgetSized, 'type' | 'time'>; // the node budget the decision sized
}

export type FleetEvent =
  | FleetApplied
  | FleetRunStarted
  | FleetClusterStarted
  | FleetClusterWritten
  | FleetClusterSucceeded
  | FleetClusterRegressed
  | FleetClusterFailed
  | FleetRunFinished
  | FleetStageApproved
  | FleetPauseChanged
  | FleetClusterRemoved
  | FleetDecided;

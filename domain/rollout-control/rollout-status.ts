// status.rollout: where the rollout stands, kept on the DaemonSet's status. It is also the memory
// the next decision folds (as Deployments keep theirs in status): the wave reached, when progress
// was last made, the nodes whose new pods failed, and a failure-budget stop.
import type { V1DaemonSetStatus } from '@kubernetes/client-node';
import type { FailedNode } from './failure-budget';

export interface WaveProgress {
  name: string;
  nodes: number; // the wave's desired nodes, held-back ones included
  done: number; // updated and available
  inProgress: number; // a new pod not available yet, or no pod
  waiting: number; // still on an old pod, to be updated
  held: number; // kept on the old revision by the canary selector or the partition
  /** Every pod of the wave available and it soaks until then (ISO 8601). */
  soakUntil?: string;
}

export interface RolloutStatus {
  updateRevision: string; // the hash being rolled out
  currentWave: string; // its name (a printer column)
  currentWaveIndex: number;
  waves: WaveProgress[];
  phase: 'Rolling' | 'Soaking' | 'Paused' | 'Stopped' | 'Complete';
  soakUntil?: string;
  /** When progress was last made (a wave moved, a node finished, a pause began or ended). */
  progressedAt: string;
  /** What progressedAt was measured against: wave/nodes done/phase. */
  progressMark: string;
  /** The RESUME_ANNOTATION value the failures below were counted under. */
  resumeEpoch: string;
  failedNodes?: FailedNode[];
  /** A failure-budget stop: holds until resumed (a new resume epoch) or rolled back (a new revision). */
  stopped?: { reason: string; message: string; at: string };
  /** Why it waits: the rollout-control reasons of this decision's waits. */
  waiting?: string[];
}

export type StatusWithRollout = V1DaemonSetStatus & { rollout?: RolloutStatus };

export const rolloutOf = (status: V1DaemonSetStatus | undefined): RolloutStatus | undefined => {
  const r = (status as StatusWithRollout | undefined)?.rollout;
  return typeof r === 'object' && r !== null && typeof r.updateRevision === 'string' ? r : undefined;
};

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

/**
 * status.rollout as written: every key present, so the JSON merge patch that writes a status
 * replaces each one (an absent key would leave the previous value standing — a stale stop or soak).
 * "None" is '' for soakUntil, an empty list for failedNodes and waiting, an empty reason for stopped.
 */
export type RolloutStatusRecord = Omit<RolloutStatus, 'soakUntil' | 'failedNodes' | 'stopped' | 'waiting'> & {
  soakUntil: string;
  failedNodes: FailedNode[];
  stopped: { reason: string; message: string; at: string };
  waiting: string[];
};

export type StatusWithRollout = V1DaemonSetStatus & { rollout?: RolloutStatusRecord };

export function toRecord(r: RolloutStatus): RolloutStatusRecord {
  return {
    ...r,
    soakUntil: r.soakUntil ?? '',
    failedNodes: r.failedNodes ?? [],
    stopped: r.stopped ?? { reason: '', message: '', at: '' },
    waiting: r.waiting ?? [],
  };
}

/** The rollout a status records, with "none" read back as absent. */
export const rolloutOf = (status: V1DaemonSetStatus | undefined): RolloutStatus | undefined => {
  const r = (status as StatusWithRollout | undefined)?.rollout as Partial<RolloutStatusRecord> | undefined;
  if (typeof r !== 'object' || r === null || typeof r.updateRevision !== 'string') return undefined;
  const { soakUntil, failedNodes, stopped, waiting, ...rest } = r as RolloutStatusRecord;
  return {
    ...rest,
    ...(soakUntil ? { soakUntil } : {}),
    ...(Array.isArray(failedNodes) && failedNodes.length > 0 ? { failedNodes } : {}),
    ...(stopped?.reason ? { stopped } : {}),
    ...(Array.isArray(waiting) && waiting.length > 0 ? { waiting } : {}),
  };
};

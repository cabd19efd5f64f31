// What changed in a rollout between two decided statuses: the pauses, resumes, wave starts and
// finishes, deadline breaches and failure-budget stops that `history` shows. Derived from the
// statuses the log records with every decision, so the log holds them without new event types,
// and `history --verify` checks them when it re-decides each status.
import type { V1DaemonSetStatus } from '@kubernetes/client-node';
import { findCondition, PAUSED, PROGRESSING, REASON } from './conditions';
import { rolloutOf } from './rollout-status';

export type RolloutTransitionKind =
  | 'RolloutStarted'
  | 'WaveStarted'
  | 'WaveFinished'
  | 'Paused'
  | 'Resumed'
  | 'ProgressDeadlineExceeded'
  | 'FailureBudgetExceeded'
  | 'RolloutComplete';

export interface RolloutTransition {
  kind: RolloutTransitionKind;
  message: string;
  /** The wave a WaveStarted / WaveFinished is about. */
  wave?: string;
}

export function rolloutTransitions(before: V1DaemonSetStatus | undefined, after: V1DaemonSetStatus): RolloutTransition[] {
  const next = rolloutOf(after);
  if (!next) return [];
  const prev = rolloutOf(before);
  const out: RolloutTransition[] = [];
  const add = (kind: RolloutTransitionKind, message: string, wave?: string) => out.push({ kind, message, ...(wave !== undefined ? { wave } : {}) });
  const same = prev?.updateRevision === next.updateRevision ? prev : undefined;
  if (!same) {
    add('RolloutStarted', `revision ${next.updateRevision}`);
    if (next.phase !== 'Complete') add('WaveStarted', next.currentWave, next.currentWave);
  } else if (same.currentWave !== next.currentWave) {
    if (same.phase !== 'Soaking') add('WaveFinished', same.currentWave, same.currentWave);
    add('WaveStarted', next.currentWave, next.currentWave);
  } else if (next.phase === 'Soaking' && same.phase !== 'Soaking') {
    add('WaveFinished', `${next.currentWave}; soaking until ${next.soakUntil}`, next.currentWave);
  }
  const pausedBefore = findCondition(before?.conditions, PAUSED);
  const pausedAfter = findCondition(after.conditions, PAUSED);
  if (
    pausedAfter?.status === 'True' &&
    pausedAfter.reason === REASON.pausedByUser &&
    !(pausedBefore?.status === 'True' && pausedBefore.reason === REASON.pausedByUser)
  ) {
    add('Paused', pausedAfter.message ?? '');
  }
  if (next.stopped && !same?.stopped) add('FailureBudgetExceeded', next.stopped.message);
  if (pausedBefore?.status === 'True' && pausedAfter?.status !== 'True')
    add('Resumed', pausedBefore.reason === REASON.failureBudget ? 'after a failure-budget stop' : 'spec.paused is false');
  const progressing = findCondition(after.conditions, PROGRESSING);
  const progressingBefore = findCondition(before?.conditions, PROGRESSING);
  if (progressing?.reason === REASON.deadline && progressingBefore?.reason !== REASON.deadline) add('ProgressDeadlineExceeded', progressing.message ?? '');
  if (next.phase === 'Complete' && same?.phase !== 'Complete') add('RolloutComplete', progressing?.message ?? '');
  return out;
}

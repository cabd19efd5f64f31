// Kubernetes-shaped conditions (metav1.Condition: type, status, reason, message,
// lastTransitionTime, observedGeneration), so `kubectl wait --for=condition=Paused` works. Set as
// meta.SetStatusCondition does: the transition time moves only when the status changes.
import type { V1DaemonSetCondition } from '@kubernetes/client-node';

export const PROGRESSING = 'Progressing';
export const AVAILABLE = 'Available';
export const PAUSED = 'Paused';
export const ROLLOUT_CONDITION_TYPES: readonly string[] = [PROGRESSING, AVAILABLE, PAUSED];

/** Progressing's reasons (and Paused's, where they say why). */
export const REASON = {
  rolling: 'NewRevisionRolling',
  soaking: 'WaveSoaking',
  paused: 'Paused',
  complete: 'RolloutComplete',
  deadline: 'ProgressDeadlineExceeded',
  failureBudget: 'FailureBudgetExceeded',
  pausedByUser: 'PausedByUser',
  notPaused: 'NotPaused',
  minimumAvailable: 'MinimumPodsAvailable',
  minimumUnavailable: 'MinimumPodsUnavailable',
} as const;

/** V1DaemonSetCondition plus metav1.Condition's observedGeneration. */
export type RolloutCondition = V1DaemonSetCondition & { observedGeneration?: number };

export interface ConditionValue {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
}

/** The conditions with `wanted` set; others kept in place, new ones appended. */
export function setConditions(
  conditions: readonly V1DaemonSetCondition[] | undefined,
  wanted: readonly ConditionValue[],
  now: Date,
  observedGeneration: number | undefined,
): RolloutCondition[] {
  const result: RolloutCondition[] = (conditions ?? []).map((c) => ({ ...c }));
  for (const w of wanted) {
    const at = result.findIndex((c) => c?.type === w.type);
    const previous = at >= 0 ? result[at] : undefined;
    const next: RolloutCondition = {
      ...w,
      lastTransitionTime: previous && previous.status === w.status && previous.lastTransitionTime ? previous.lastTransitionTime : now,
      ...(observedGeneration !== undefined ? { observedGeneration } : {}),
    };
    if (at >= 0) result[at] = next;
    else result.push(next);
  }
  return result;
}

export const findCondition = (conditions: readonly V1DaemonSetCondition[] | undefined, type: string): V1DaemonSetCondition | undefined =>
  (conditions ?? []).find((c) => c?.type === type);

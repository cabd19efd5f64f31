// The Kubernetes Events a decision's outcomes produce on its DaemonSet, as upstream's controller
// records them (podControl's SuccessfulCreate / FailedCreate / SuccessfulDelete / FailedDelete, and
// FailedDaemonPod from podsShouldBeOnNode), so `kubectl describe` tells the story; and the rollout's
// own transitions (wave started/finished, paused, resumed, failure budget, deadline) under their
// transition's name. Like upstream's EventCorrelator, similar events past
// ten per decision are combined into one, so a 5,000-node rollout writes tens of events, not thousands.
import type { V1DaemonSetStatus } from '@kubernetes/client-node';
import { rolloutTransitions, type RolloutTransitionKind } from '../../../domain/rollout-control/transitions';
import type { ReconcileResult } from '../../../domain/types';
import type { Outcome } from './apply-decision';

export interface DaemonSetEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  /** What the controller did (events.k8s.io/v1's `action`): Create, Delete, Kill, or Rollout. */
  action: string;
  message: string;
  /** How many occurrences this event stands for (more than 1 once combined). */
  count: number;
}

export const SUCCESSFUL_CREATE = 'SuccessfulCreate';
export const FAILED_CREATE = 'FailedCreate';
export const SUCCESSFUL_DELETE = 'SuccessfulDelete';
export const FAILED_DELETE = 'FailedDelete';
export const FAILED_DAEMON_POD = 'FailedDaemonPod';

/** upstream EventCorrelator's maxEvents per aggregate key before it combines them. */
const SIMILAR_EVENTS_BEFORE_COMBINING = 10;

export function daemonSetEvents(namespace: string, result: Pick<ReconcileResult, 'delete'>, outcomes: readonly Outcome[]): DaemonSetEvent[] {
  const events: Omit<DaemonSetEvent, 'count'>[] = [];
  for (const d of result.delete) {
    if (d.reason === 'failed pod')
      events.push({
        type: 'Warning',
        reason: FAILED_DAEMON_POD,
        action: 'Kill',
        message: `Found failed daemon pod ${namespace}/${d.podName} on node ${d.nodeName ?? ''}, will try to kill it`,
      });
  }
  for (const o of outcomes) {
    // already-done: an earlier attempt did it (and said so); a create never attempted is not an error yet.
    if (o.outcome === 'already-done' || o.reason?.startsWith('not attempted')) continue;
    const ok = o.outcome === 'succeeded';
    if (o.action === 'create')
      events.push(
        ok
          ? { type: 'Normal', reason: SUCCESSFUL_CREATE, action: 'Create', message: `Created pod: ${o.podName}` }
          : { type: 'Warning', reason: FAILED_CREATE, action: 'Create', message: `Error creating: ${o.reason ?? ''}` },
      );
    if (o.action === 'delete')
      events.push(
        ok
          ? { type: 'Normal', reason: SUCCESSFUL_DELETE, action: 'Delete', message: `Deleted pod: ${o.podName}` }
          : { type: 'Warning', reason: FAILED_DELETE, action: 'Delete', message: `Error deleting: ${o.reason ?? ''}` },
      );
  }
  return combineSimilar(events);
}

/** The rollout transitions that are a Warning: the rollout stopped short. */
const WARNING_TRANSITIONS: ReadonlySet<RolloutTransitionKind> = new Set(['ProgressDeadlineExceeded', 'FailureBudgetExceeded']);

/**
 * The rollout's transitions from the previous decision's status to this one's, as events:
 * consecutive decisions are consecutive commits of the DaemonSet's stream, so each transition is
 * told once however often the decision is delivered.
 */
export function rolloutEvents(previous: V1DaemonSetStatus | undefined, decided: V1DaemonSetStatus): DaemonSetEvent[] {
  return rolloutTransitions(previous, decided).map((t) => ({
    type: WARNING_TRANSITIONS.has(t.kind) ? 'Warning' : 'Normal',
    reason: t.kind,
    action: 'Rollout',
    message: t.message,
    count: 1,
  }));
}

/** The first ten of each reason as they are, the rest as one "(combined from similar events)" event. */
function combineSimilar(events: Omit<DaemonSetEvent, 'count'>[]): DaemonSetEvent[] {
  const seen = new Map<string, number>();
  const combined = new Map<string, DaemonSetEvent>();
  const out: DaemonSetEvent[] = [];
  for (const e of events) {
    const n = (seen.get(e.reason) ?? 0) + 1;
    seen.set(e.reason, n);
    if (n <= SIMILAR_EVENTS_BEFORE_COMBINING) out.push({ ...e, count: 1 });
    else {
      const c = combined.get(e.reason);
      if (c) c.count++;
      else {
        const first = { ...e, message: `(combined from similar events): ${e.message}`, count: 1 };
        combined.set(e.reason, first);
        out.push(first);
      }
    }
  }
  return out;
}

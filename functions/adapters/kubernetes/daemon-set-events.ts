// The Kubernetes Events a decision's outcomes produce on its DaemonSet, as upstream's controller
// records them (podControl's SuccessfulCreate / FailedCreate / SuccessfulDelete / FailedDelete, and
// FailedDaemonPod from podsShouldBeOnNode), so `kubectl describe` tells the story. Rollout events
// join this list under their own reasons. Like upstream's EventCorrelator, similar events past
// ten per decision are combined into one, so a 5,000-node rollout writes tens of events, not thousands.
import type { ReconcileResult } from '../../../domain/types';
import type { Outcome } from './apply-decision';

export interface DaemonSetEvent {
  type: 'Normal' | 'Warning';
  reason: string;
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
    if (d.reason === 'failed pod') events.push({ type: 'Warning', reason: FAILED_DAEMON_POD, message: `Found failed daemon pod ${namespace}/${d.podName} on node ${d.nodeName ?? ''}, will try to kill it` });
  }
  for (const o of outcomes) {
    // already-done: an earlier attempt did it (and said so); a create never attempted is not an error yet.
    if (o.outcome === 'already-done' || o.reason?.startsWith('not attempted')) continue;
    const ok = o.outcome === 'succeeded';
    if (o.action === 'create') events.push(ok ? { type: 'Normal', reason: SUCCESSFUL_CREATE, message: `Created pod: ${o.podName}` } : { type: 'Warning', reason: FAILED_CREATE, message: `Error creating: ${o.reason ?? ''}` });
    if (o.action === 'delete') events.push(ok ? { type: 'Normal', reason: SUCCESSFUL_DELETE, message: `Deleted pod: ${o.podName}` } : { type: 'Warning', reason: FAILED_DELETE, message: `Error deleting: ${o.reason ?? ''}` });
  }
  return combineSimilar(events);
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

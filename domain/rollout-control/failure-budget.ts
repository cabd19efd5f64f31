// The failure budget (rollingUpdate.maxFailedNodes): nodes whose new pod failed. More of them than
// the budget allows and the rollout stops itself until resumed (RESUME_ANNOTATION) or rolled back.
// Failed pods come and go (manage deletes and recreates them), so the nodes found failing are kept
// in status.rollout.failedNodes for as long as the revision and the resume epoch stay the same.
import type { V1Pod } from '@kubernetes/client-node';
import { isPodReady, isTerminating } from '../pod-readiness';
import { millisOf } from '../timestamps';

/** Restarts after which a running pod counts as crash-looping (the kubelet's back-off is well under way by then). */
export const CRASH_LOOP_RESTARTS = 3;

export interface FailedNode {
  nodeName: string;
  reason: string;
}

const restarts = (pod: V1Pod): number =>
  (pod.status?.containerStatuses ?? []).reduce((n, s) => n + (Number.isInteger(s?.restartCount) ? s.restartCount : 0), 0);

/**
 * Why a new pod counts as failed, or undefined: it is Failed, has restarted CRASH_LOOP_RESTARTS
 * times, or (with a deadline) was created more than `readyDeadlineSeconds` ago and is not Ready.
 */
export function newPodFailure(pod: V1Pod, now: number, readyDeadlineSeconds: number | undefined): string | undefined {
  if (isTerminating(pod)) return undefined;
  if (pod.status?.phase === 'Failed') return 'pod Failed';
  const n = restarts(pod);
  if (n >= CRASH_LOOP_RESTARTS) return `crash-looping (${n} restarts)`;
  const created = millisOf(pod.metadata?.creationTimestamp);
  if (readyDeadlineSeconds !== undefined && created !== undefined && !isPodReady(pod) && now - created > readyDeadlineSeconds * 1000) {
    return `not Ready within ${readyDeadlineSeconds}s`;
  }
  return undefined;
}

/** Remembered failures first (their order kept), then new ones in node order; each node once. */
export function mergeFailures(remembered: readonly FailedNode[], found: readonly FailedNode[]): FailedNode[] {
  const seen = new Set(remembered.map((f) => f.nodeName));
  return [...remembered, ...found.filter((f) => !seen.has(f.nodeName) && seen.add(f.nodeName))];
}

/** "node-3 (pod Failed), node-7 (crash-looping (4 restarts)) and 2 more". */
export function describeFailures(failed: readonly FailedNode[], shown = 5): string {
  const named = failed
    .slice(0, shown)
    .map((f) => `${f.nodeName} (${f.reason})`)
    .join(', ');
  return failed.length > shown ? `${named} and ${failed.length - shown} more` : named;
}

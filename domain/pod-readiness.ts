// Pod readiness and availability (pkg/api/v1/pod/util.go). Phase and deletion are not looked at:
// a terminating or Failed pod can still be "ready".
import type { V1Pod, V1PodCondition } from '@kubernetes/client-node';
import { millisOf } from './timestamps';

const GO_ZERO_TIME_MS = -62135596800000; // 0001-01-01T00:00:00Z, Go's zero time: "unset"

function readyCondition(pod: V1Pod): V1PodCondition | undefined {
  const conditions = pod.status?.conditions;
  if (Array.isArray(conditions)) for (const c of conditions) if (c?.type === 'Ready') return c;
  return undefined;
}

export function isPodReady(pod: V1Pod): boolean {
  return readyCondition(pod)?.status === 'True';
}

/** When the pod becomes available, in ms; undefined when it is not Ready or its Ready time is unset. */
export function availableAtMs(pod: V1Pod, minReadySeconds: number): number | undefined {
  const ready = readyCondition(pod);
  if (ready?.status !== 'True') return undefined;
  if (minReadySeconds <= 0) return -Infinity;
  const since = millisOf(ready.lastTransitionTime);
  return since === undefined || since <= GO_ZERO_TIME_MS ? undefined : since + minReadySeconds * 1000;
}

/** Ready for at least minReadySeconds, `<=` at the boundary as upstream since v1.34 (PR #132122). */
export function isPodAvailable(pod: V1Pod, minReadySeconds: number, now: Date | number): boolean {
  const at = availableAtMs(pod, minReadySeconds);
  return at !== undefined && at <= (typeof now === 'number' ? now : now.getTime());
}

export function isPodTerminal(pod: V1Pod): boolean {
  return pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded';
}

export const isTerminating = (pod: V1Pod): boolean => pod.metadata?.deletionTimestamp != null;

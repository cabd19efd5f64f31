// getNodesToDaemonPods and podByCreationTimestampAndPhase (daemon_controller.go).
import type { V1Pod } from '@kubernetes/client-node';
import { podTargetNodeName } from './daemon-pod';
import { isPodTerminal } from './pod-readiness';
import { millisOf } from './timestamps';

/**
 * Claimed pods by target node. A terminal pod that is being deleted is on its way out and left out
 * (unless `includeDeletedTerminal`); a pod with no target node is skipped entirely. Keys may name
 * nodes that no longer exist.
 */
export function podsByNode(pods: readonly V1Pod[], includeDeletedTerminal = false): Map<string, V1Pod[]> {
  const byNode = new Map<string, V1Pod[]>();
  for (const pod of pods) {
    if (!includeDeletedTerminal && pod.metadata?.deletionTimestamp != null && isPodTerminal(pod)) continue;
    const nodeName = podTargetNodeName(pod);
    if (nodeName === undefined) continue;
    const list = byNode.get(nodeName);
    if (list) list.push(pod);
    else byNode.set(nodeName, [pod]);
  }
  return byNode;
}

const created = (pod: V1Pod) => millisOf(pod.metadata?.creationTimestamp) ?? -Infinity; // Go's zero time sorts first
const byteCompare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Oldest first: bound before unbound, then earlier creationTimestamp, then smaller name (phase is not used). */
export function compareOldestFirst(a: V1Pod, b: V1Pod): number {
  const boundA = Boolean(a.spec?.nodeName),
    boundB = Boolean(b.spec?.nodeName);
  if (boundA !== boundB) return boundA ? -1 : 1;
  const ta = created(a),
    tb = created(b);
  if (ta === tb) return byteCompare(a.metadata?.name ?? '', b.metadata?.name ?? '');
  return ta < tb ? -1 : 1;
}

export const oldestFirst = (pods: readonly V1Pod[]): V1Pod[] => [...pods].sort(compareOldestFirst);

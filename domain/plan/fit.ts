// Will the new revision's pod fit? The scheduler's NodeResourcesFit for one node: the pod's
// requests against the node's allocatable minus what the pods bound there already request. The
// old daemon pod's requests come back first when it is deleted before its replacement is created
// (maxSurge 0); with surge both run side by side for a while.
import type { V1DaemonSet, V1Node } from '@kubernetes/client-node';
import { parseQuantity, podRequests, type PodRequests } from '../cost';

export interface NodeFit {
  nodeName: string;
  fits: boolean | undefined; // undefined: the log has no allocatable or requests for this node
  free?: PodRequests;
  needs: PodRequests;
  /** Why it does not fit, as the scheduler says it: `Insufficient cpu`. */
  reason?: string;
}

/** What the pods bound to a node request in total (the forwarder's NodeRequestsObserved). */
export type RequestedByNode = ReadonlyMap<string, PodRequests>;

function allocatableOf(node: V1Node): PodRequests | undefined {
  const a = node.status?.allocatable;
  if (!a?.cpu || !a.memory) return undefined;
  return { cpuMillicores: parseQuantity(a.cpu, 3), memoryBytes: parseQuantity(a.memory) };
}

/**
 * For each node: does the new revision fit. `hasOldPod(node)`: a pod of the current revision is
 * bound there and will be replaced; `surge`: the replacement starts before the old pod goes.
 */
export function fitCheck(
  next: V1DaemonSet,
  current: V1DaemonSet | undefined,
  nodes: readonly V1Node[],
  requested: RequestedByNode,
  hasOldPod: (nodeName: string) => boolean,
  surge: boolean,
): NodeFit[] {
  const needs = podRequests(next);
  const old = current ? podRequests(current) : { cpuMillicores: 0, memoryBytes: 0 };
  return nodes.map((node) => {
    const nodeName = node.metadata!.name!;
    const allocatable = allocatableOf(node);
    const used = requested.get(nodeName);
    if (!allocatable || !used) return { nodeName, fits: undefined, needs };
    const returned = hasOldPod(nodeName) && !surge ? old : { cpuMillicores: 0, memoryBytes: 0 };
    const free = {
      cpuMillicores: allocatable.cpuMillicores - used.cpuMillicores + returned.cpuMillicores,
      memoryBytes: allocatable.memoryBytes - used.memoryBytes + returned.memoryBytes,
    };
    const short = [needs.cpuMillicores > free.cpuMillicores ? 'cpu' : undefined, needs.memoryBytes > free.memoryBytes ? 'memory' : undefined].filter(Boolean);
    return short.length === 0
      ? { nodeName, fits: true, free, needs }
      : { nodeName, fits: false, free, needs, reason: short.map((r) => `Insufficient ${r}`).join(', ') };
  });
}

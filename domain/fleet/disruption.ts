// Which of a cluster's nodes the rollout still holds disrupted: an eligible node whose daemon pod
// is missing, terminating or not yet available. A node that has gone, or no longer should run the
// daemon, is not ours to hold. Read from the same input the DaemonSet's decision reads.
import { podTargetNodeName } from '../daemon-pod';
import { withDefaults } from '../defaults';
import { daemonNodeEligibility } from '../eligibility';
import { isPodAvailable, isTerminating } from '../pod-readiness';
import type { ReconcileInput } from '../types';

export function disruptedNodes(input: Pick<ReconcileInput, 'daemonSet' | 'nodes' | 'pods' | 'now'>): (nodeName: string) => boolean {
  const ds = withDefaults(input.daemonSet);
  const minReadySeconds = ds.spec?.minReadySeconds ?? 0;
  const eligible = daemonNodeEligibility(ds);
  const nodes = new Map(input.nodes.map((n) => [n.metadata?.name ?? '', n]));
  const availableOn = new Set<string>();
  for (const pod of input.pods) {
    const nodeName = podTargetNodeName(pod);
    if (nodeName !== undefined && !isTerminating(pod) && isPodAvailable(pod, minReadySeconds, input.now)) availableOn.add(nodeName);
  }
  return (nodeName) => {
    const node = nodes.get(nodeName);
    return node !== undefined && eligible(node).shouldRun && !availableOn.has(nodeName);
  };
}

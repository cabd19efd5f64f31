// NodeShouldRunDaemonPod (daemon_controller.go). Only the template's nodeName, nodeSelector,
// required node affinity and taints decide; node conditions and spec.unschedulable matter only
// through the taints the node lifecycle controller derives from them.
import type { V1DaemonSet, V1Node } from '@kubernetes/client-node';
import { daemonPodTolerations } from './daemon-pod';
import { compileRequiredNodeAffinity } from './node-affinity';
import { hasUntoleratedTaint } from './taints';
import type { Eligibility } from './types';

// Shared results: one object per answer, not per node.
const RUN: Eligibility = Object.freeze({ shouldRun: true, shouldContinueRunning: true });
const KEEP_ONLY: Eligibility = Object.freeze({ shouldRun: false, shouldContinueRunning: true });
const NONE: Eligibility = Object.freeze({ shouldRun: false, shouldContinueRunning: false });
const NO_SCHEDULE_OR_EXECUTE = ['NoSchedule', 'NoExecute'] as const; // PreferNoSchedule never matters
const NO_EXECUTE = ['NoExecute'] as const;

/** Compiles the DaemonSet's constraints once, to be applied to every node. */
export function daemonNodeEligibility(ds: V1DaemonSet): (node: V1Node) => Eligibility {
  const spec = ds.spec?.template?.spec;
  const fitsNodeAffinity = compileRequiredNodeAffinity(spec);
  const tolerations = daemonPodTolerations(spec);
  return (node) => {
    const name = node.metadata?.name ?? '';
    if (spec?.nodeName && spec.nodeName !== name) return NONE; // an empty nodeName pins nothing
    if (!fitsNodeAffinity(node)) return NONE;
    const taints = Array.isArray(node.spec?.taints) ? node.spec.taints : [];
    if (!hasUntoleratedTaint(taints, tolerations, NO_SCHEDULE_OR_EXECUTE)) return RUN;
    return hasUntoleratedTaint(taints, tolerations, NO_EXECUTE) ? NONE : KEEP_ONLY; // NoSchedule only bars new pods
  };
}

export function nodeShouldRunDaemonPod(node: V1Node, ds: V1DaemonSet): Eligibility {
  return { ...daemonNodeEligibility(ds)(node) };
}

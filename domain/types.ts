// The domain's public contract (docs/DESIGN.md §3). Kubernetes shapes come from @kubernetes/client-node.
import type { V1DaemonSet, V1DaemonSetStatus, V1Node, V1Pod, V1PodTemplateSpec } from '@kubernetes/client-node';

export interface Revision {
  revision: number;
  hash: string;
  template: V1PodTemplateSpec;
}

/** Per-node failed-pod backoff (upstream flowcontrol.Backoff: 1 s doubling to 15 min). */
export type FailedPodBackoff = Record<string, { delaySeconds: number; since: Date }>;

export interface ReconcileInput {
  daemonSet: V1DaemonSet; // apps/v1 shape; our custom resource carries the same spec
  nodes: V1Node[]; // all nodes of the cluster
  pods: V1Pod[]; // pods of the DaemonSet's namespace it owns or whose labels its selector matches
  now: Date;
  revisions?: Revision[]; // known history
  failedPodBackoff?: FailedPodBackoff; // per node
  takenPodNames?: string[]; // names a created pod must not get: held by pods outside `pods`, or lately deleted
  /** A fleet's node-disruption grant: at most this many more nodes may lose an available pod to the rolling update. */
  disruptionAllowance?: number;
}

export interface PodCreate {
  nodeName: string;
  pod: V1Pod; // full manifest: ownerReference, labels incl. controller-revision-hash, tolerations, affinity
}

export interface PodDelete {
  podName: string;
  nodeName?: string;
  reason: string;
}

/** Ownership changes upstream makes through ClaimPods: adopt a matching orphan, release a pod that stopped matching. */
export interface PodClaim {
  podName: string;
  podUid: string;
}

export interface Wait {
  nodeName?: string;
  reason: string;
}

export interface ReconcileResult {
  create: PodCreate[];
  delete: PodDelete[];
  adopt: PodClaim[]; // add our controller ownerReference (uid precondition)
  release: PodClaim[]; // remove our ownerReference; the pod is not deleted
  status: V1DaemonSetStatus;
  requeueAfterSeconds?: number; // a minReadySeconds gate or a failed-pod backoff
  waits: Wait[]; // why progress is held back: the audit trail
  failedPodBackoff: FailedPodBackoff;
}

export interface Eligibility {
  shouldRun: boolean;
  shouldContinueRunning: boolean;
}

// The port the reconcile handler applies decisions through (upstream's podControl plus the status
// writer). Every call reports an outcome instead of throwing: what happened is recorded, never swallowed.
import type { V1DaemonSet, V1DaemonSetStatus, V1ObjectReference, V1OwnerReference, V1Pod } from '@kubernetes/client-node';
import type { DaemonSetEvent } from './daemon-set-events';

export interface ActionResult {
  outcome: 'succeeded' | 'already-done' | 'failed';
  reason?: string; // failed: the API's message; already-done: why nothing was left to do
  retryable?: boolean; // failed only: 429, 5xx, timeouts, connection errors
  retryAfterSeconds?: number; // failed only: the server's Retry-After
  nameTaken?: boolean; // a failed create: another pod holds the name (409 for a pod that is not the one asked for)
}

export interface ClusterApi {
  /**
   * 409 AlreadyExists ⇒ already-done when the existing pod is the one asked for (same controller,
   * node and revision: a retried create finds its pod); else failed with `nameTaken`.
   */
  createPod(namespace: string, pod: V1Pod): Promise<ActionResult>;
  /** With a uid precondition: 404 ⇒ already-done; a precondition 409 ⇒ already-done (the pod was replaced). */
  deletePod(namespace: string, name: string, uid: string): Promise<ActionResult>;
  /** Adds `owner` as the controller reference of the pod with this uid (upstream AdoptPod). */
  adoptPod(namespace: string, name: string, uid: string, owner: V1OwnerReference): Promise<ActionResult>;
  /** Removes the reference to `ownerUid` from the pod with this uid (upstream ReleasePod); the pod keeps running. */
  releasePod(namespace: string, name: string, uid: string, ownerUid: string): Promise<ActionResult>;
  writeDaemonSetStatus(namespace: string, name: string, status: V1DaemonSetStatus): Promise<ActionResult>;
  /** The DaemonSet as the API server has it now (undefined: 404). Any other failure throws. */
  readDaemonSet(namespace: string, name: string): Promise<V1DaemonSet | undefined>;
  /** Kubernetes Events about `involvedObject` (upstream's EventRecorder): best effort, as upstream's are. */
  recordEvents(involvedObject: V1ObjectReference, events: readonly DaemonSetEvent[]): Promise<ActionResult>;
}

// The port the reconcile handler applies decisions through (upstream's podControl plus the status
// writer). Every call reports an outcome instead of throwing: what happened is recorded, never swallowed.
import type { V1DaemonSetStatus, V1ObjectReference, V1OwnerReference, V1Pod } from '@kubernetes/client-node';
import type { DaemonSetEvent } from './daemon-set-events';

export interface ActionResult {
  outcome: 'succeeded' | 'already-done' | 'failed';
  reason?: string; // failed: the API's message; already-done: why nothing was left to do
  retryable?: boolean; // failed only: 429, 5xx, timeouts, connection errors
  retryAfterSeconds?: number; // failed only: the server's Retry-After
}

export interface ClusterApi {
  /** 409 AlreadyExists ⇒ already-done (pod names are deterministic: a retried create finds its pod). */
  createPod(namespace: string, pod: V1Pod): Promise<ActionResult>;
  /** With a uid precondition: 404 ⇒ already-done; a precondition 409 ⇒ already-done (the pod was replaced). */
  deletePod(namespace: string, name: string, uid: string): Promise<ActionResult>;
  /** Adds `owner` as the controller reference of the pod with this uid (upstream AdoptPod). */
  adoptPod(namespace: string, name: string, uid: string, owner: V1OwnerReference): Promise<ActionResult>;
  /** Removes the reference to `ownerUid` from the pod with this uid (upstream ReleasePod); the pod keeps running. */
  releasePod(namespace: string, name: string, uid: string, ownerUid: string): Promise<ActionResult>;
  writeDaemonSetStatus(namespace: string, name: string, status: V1DaemonSetStatus): Promise<ActionResult>;
  /** Kubernetes Events about `involvedObject` (upstream's EventRecorder): best effort, as upstream's are. */
  recordEvents(involvedObject: V1ObjectReference, events: readonly DaemonSetEvent[]): Promise<ActionResult>;
}

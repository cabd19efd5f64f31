// manage, podsShouldBeOnNode, getUnscheduledPodsWithoutNode and syncNodes' burst cap (daemon_controller.go).
import type { V1DaemonSet, V1Node, V1Pod } from '@kubernetes/client-node';
import { failedPodsBackoffKey, inBackoffSinceUpdate, nextBackoff } from './backoff';
import { CONTROLLER_REVISION_HASH_LABEL } from './labels';
import { isPodAvailable, isPodReady, isPodTerminal, isTerminating } from './pod-readiness';
import { oldestFirst } from './pods-by-node';
import type { Eligibility, FailedPodBackoff, Wait } from './types';
import { waitFor } from './waits';

/**
 * BurstReplicas: at most 250 creates and 250 deletes per pass — "values that are too high can
 * cause registry DoS issues". Upstream also creates in slow-start batches (1, 2, 4, …) and stops
 * after the first batch with a failure; the domain cannot see failures, so it only caps, and the
 * applier batches.
 */
export const BURST_REPLICAS = 250;

export interface PodDeletion {
  pod: V1Pod;
  nodeName: string;
  reason: string;
}

export interface SyncScope {
  ds: V1DaemonSet;
  nodes: readonly V1Node[]; // unique names, in list order
  eligibility: ReadonlyMap<string, Eligibility>; // by node name, for every node in `nodes`
  hash: string; // H
  minReadySeconds: number;
  now: number; // ms
  disruptionAllowance?: number; // ReconcileInput.disruptionAllowance
}

export interface ManageResult {
  createOn: string[]; // node names, in node-list order
  deletions: PodDeletion[];
  waits: Wait[];
  requeueSeconds: number[];
}

/** One pass over the nodes and then over pods aimed at nodes that no longer exist. */
export function manage(scope: SyncScope, byNode: ReadonlyMap<string, V1Pod[]>, allowsSurge: boolean, backoff: FailedPodBackoff): ManageResult {
  const result: ManageResult = { createOn: [], deletions: [], waits: [], requeueSeconds: [] };
  for (const node of scope.nodes) {
    podsShouldBeOnNode(scope, node.metadata?.name ?? '', byNode.get(node.metadata?.name ?? ''), allowsSurge, backoff, result);
  }
  // Nodes we only know from pods, by name (our fixed order for upstream's map walk), not by input order.
  const vanished: string[] = [];
  for (const nodeName of byNode.keys()) if (!scope.eligibility.has(nodeName)) vanished.push(nodeName);
  for (const nodeName of vanished.sort()) {
    // Never bound: the scheduler cannot place it. A pod bound to a vanished node is pod GC's job.
    for (const pod of byNode.get(nodeName)!) if (!pod.spec?.nodeName) result.deletions.push({ pod, nodeName, reason: 'target node does not exist' });
  }
  return result;
}

function podsShouldBeOnNode(
  scope: SyncScope,
  nodeName: string,
  pods: V1Pod[] | undefined,
  allowsSurge: boolean,
  backoff: FailedPodBackoff,
  out: ManageResult,
): void {
  const { shouldRun, shouldContinueRunning } = scope.eligibility.get(nodeName)!;
  if (shouldRun && !pods) {
    out.createOn.push(nodeName);
    return;
  }
  if (!pods) return;
  if (!shouldContinueRunning) {
    for (const pod of pods) if (!isTerminating(pod)) out.deletions.push({ pod, nodeName, reason: 'node no longer eligible' });
    return;
  }
  if (pods.length === 1 && !isTerminating(pods[0]!) && !isPodTerminal(pods[0]!)) return; // the usual case: one running pod
  const running: V1Pod[] = [];
  for (const pod of pods) {
    if (isTerminating(pod)) continue; // not replaced until it is gone
    const phase = pod.status?.phase;
    if (phase === 'Failed') {
      const key = failedPodsBackoffKey(scope.ds, nodeName);
      if (inBackoffSinceUpdate(backoff, key, scope.now)) {
        const delay = backoff[key]!.delaySeconds;
        out.requeueSeconds.push(delay); // upstream requeues after the full backoff, not the remainder
        out.waits.push(waitFor.backoff(nodeName, delay));
        continue;
      }
      nextBackoff(backoff, key, scope.now);
      out.deletions.push({ pod, nodeName, reason: 'failed pod' });
    } else if (phase === 'Succeeded') {
      out.deletions.push({ pod, nodeName, reason: 'succeeded pod' });
    } else {
      running.push(pod);
    }
  }
  if (!allowsSurge) {
    if (running.length === 0 && pods.every(isTerminating) && shouldRun) out.waits.push(waitFor.terminating(nodeName));
    if (running.length <= 1) return;
    for (const pod of oldestFirst(running).slice(1)) out.deletions.push({ pod, nodeName, reason: 'duplicate pod on node (the oldest is kept)' });
    return;
  }
  if (running.length <= 1) {
    // With surge a node whose pods are all terminating gets its new pod at once.
    if (running.length === 0 && shouldRun) out.createOn.push(nodeName);
    return;
  }
  const sorted = oldestFirst(running);
  let oldestNew: V1Pod | undefined, oldestOld: V1Pod | undefined; // the surge rule reads the hash label only
  for (const pod of sorted) {
    if (pod.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL] === scope.hash) oldestNew ??= pod;
    else oldestOld ??= pod;
  }
  for (const pod of sorted)
    if (pod !== oldestNew && pod !== oldestOld) out.deletions.push({ pod, nodeName, reason: 'surplus pod on node (surge keeps one new and one old)' });
  if (oldestNew && oldestOld) {
    if (!isPodReady(oldestOld)) out.deletions.push({ pod: oldestOld, nodeName, reason: 'old pod not ready (its replacement exists)' });
    else if (isPodAvailable(oldestNew, scope.minReadySeconds, scope.now))
      out.deletions.push({ pod: oldestOld, nodeName, reason: 'old pod replaced (new pod available)' });
  }
}

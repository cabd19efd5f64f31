// rollingUpdate, findUpdatedPodsOnNode, updatedDesiredNodeCounts (update.go) and AllowsSurge,
// SurgeCount, UnavailableCount, IsPodUpdated (util/daemonset_util.go).
//
// Assumptions: `manage` has run and its actions are applied to `byNode`; eligibility is per node.
// Invariants (as upstream): without surge, at most maxUnavailable nodes lack an available pod
// because of us — unavailable old pods are replaced regardless, since they are down anyway; with
// surge, at most maxSurge nodes run a second pod, except where the old pod is unavailable.
import type { IntOrString, V1DaemonSet, V1Pod } from '@kubernetes/client-node';
import { scaledValue } from './int-or-percent';
import { CONTROLLER_REVISION_HASH_LABEL, POD_TEMPLATE_GENERATION_LABEL } from './labels';
import type { PodDeletion, SyncScope } from './manage';
import { availableAtMs, isPodAvailable, isTerminating } from './pod-readiness';
import type { Wait } from './types';
import { waitFor } from './waits';

/** Updated: the hash label is the current revision's, or the deprecated generation label is G. */
export function isPodUpdated(pod: V1Pod, hash: string, generation: number | undefined): boolean {
  const labels = pod.metadata?.labels;
  return (
    (hash !== '' && labels?.[CONTROLLER_REVISION_HASH_LABEL] === hash) ||
    (generation !== undefined && labels?.[POD_TEMPLATE_GENERATION_LABEL] === String(generation))
  );
}

const rollingUpdateOf = (ds: V1DaemonSet) => (ds.spec?.updateStrategy?.type === 'RollingUpdate' ? ds.spec.updateStrategy.rollingUpdate : undefined);

/** Any positive maxSurge, whatever the node count: percentages round up. */
export function allowsSurge(ds: V1DaemonSet): boolean {
  const maxSurge = rollingUpdateOf(ds)?.maxSurge;
  return maxSurge !== undefined && (scaledValue(maxSurge, 1) ?? 0) > 0;
}

/** Budgets that replace the strategy's for one update scope: a rollout wave's own values. */
export interface UpdateBudget {
  maxUnavailable?: IntOrString;
  maxSurge?: IntOrString;
}

/**
 * The effective budgets for `desired` nodes: the one place they are computed (SurgeCount,
 * UnavailableCount, and upstream's "both zero means maxUnavailable 1").
 */
export function effectiveBudgets(ds: V1DaemonSet, desired: number, override?: UpdateBudget): { maxUnavailable: number; maxSurge: number } {
  const given = override ?? rollingUpdateOf(ds);
  let maxUnavailable = Math.max(0, scaledValue(given?.maxUnavailable ?? 0, desired) ?? 0);
  const maxSurge = Math.max(0, scaledValue(given?.maxSurge ?? 0, desired) ?? 0);
  if (desired > 0 && maxUnavailable === 0 && maxSurge === 0) maxUnavailable = 1;
  return { maxUnavailable, maxSurge };
}

interface UpdatedPods {
  newPod?: V1Pod;
  oldPod?: V1Pod;
  ok: boolean; // false: two new or two old pods — manage cleans up first
}

function findUpdatedPodsOnNode(pods: readonly V1Pod[], hash: string, generation: number | undefined): UpdatedPods {
  const found: UpdatedPods = { ok: true };
  for (const pod of pods) {
    if (isTerminating(pod)) continue;
    if (isPodUpdated(pod, hash, generation)) {
      if (found.newPod) return { ok: false };
      found.newPod = pod;
    } else {
      if (found.oldPod) return { ok: false };
      found.oldPod = pod;
    }
  }
  return found;
}

export interface RollingUpdateResult {
  createOn: string[];
  deletions: PodDeletion[];
  waits: Wait[];
}

const NO_PODS: V1Pod[] = [];

/**
 * The nodes the update walks: those with pods, and eligible ones without (they count as
 * unavailable). Upstream walks a Go map (random order); we walk the node list, then nodes we only
 * know from pods, by name.
 */
function nodesInOrder(scope: SyncScope, byNode: ReadonlyMap<string, V1Pod[]>): { order: string[]; desired: number } {
  const order: string[] = [];
  let desired = 0;
  for (const node of scope.nodes) {
    const name = node.metadata?.name ?? '';
    const shouldRun = scope.eligibility.get(name)!.shouldRun;
    if (shouldRun) desired++;
    if (shouldRun || byNode.has(name)) order.push(name);
  }
  const unknown: string[] = [];
  for (const name of byNode.keys()) if (!scope.eligibility.has(name)) unknown.push(name);
  return { order: order.concat(unknown.sort()), desired };
}

/** `budget`: a rollout wave's own maxUnavailable/maxSurge in place of the strategy's. */
export function rollingUpdate(
  scope: SyncScope,
  byNode: ReadonlyMap<string, V1Pod[]>,
  generation: number | undefined,
  budget?: UpdateBudget,
): RollingUpdateResult {
  const { order, desired } = nodesInOrder(scope, byNode);
  const { maxUnavailable, maxSurge } = effectiveBudgets(scope.ds, desired, budget);
  const classify = (nodeName: string) => findUpdatedPodsOnNode(byNode.get(nodeName) ?? NO_PODS, scope.hash, generation);
  return maxSurge > 0 ? surgeUpdate(scope, order, classify, maxSurge, desired) : unavailableUpdate(scope, order, classify, maxUnavailable);
}

/** Why a node's new pod is not available yet: still unready, or inside minReadySeconds. */
function pendingWait(scope: SyncScope, nodeName: string, pod: V1Pod): Wait {
  const at = availableAtMs(pod, scope.minReadySeconds);
  return at === undefined ? waitFor.notReady(nodeName) : waitFor.minReady(nodeName, Math.ceil((at - scope.now) / 1000));
}

/** maxSurge == 0: delete old pods while fewer than maxUnavailable nodes are unavailable; manage recreates them. */
function unavailableUpdate(scope: SyncScope, order: string[], classify: (nodeName: string) => UpdatedPods, maxUnavailable: number): RollingUpdateResult {
  const available = (pod: V1Pod) => isPodAvailable(pod, scope.minReadySeconds, scope.now);
  const result: RollingUpdateResult = { createOn: [], deletions: [], waits: [] };
  const candidates: [string, V1Pod][] = [];
  const heldBack: string[] = [];
  let numUnavailable = 0;
  for (const nodeName of order) {
    const { newPod, oldPod, ok } = classify(nodeName);
    if (!ok || (!oldPod && !newPod) || (oldPod && newPod)) {
      numUnavailable++;
    } else if (newPod) {
      if (!available(newPod)) {
        numUnavailable++;
        result.waits.push(pendingWait(scope, nodeName, newPod));
      }
    } else if (!available(oldPod!)) {
      result.deletions.push({ pod: oldPod!, nodeName, reason: 'old pod unavailable (replaced outside the budget)' });
      numUnavailable++;
    } else if (numUnavailable >= maxUnavailable) {
      heldBack.push(nodeName);
    } else {
      candidates.push([nodeName, oldPod!]);
    }
  }
  const upstream = Math.max(0, Math.min(maxUnavailable - numUnavailable, candidates.length));
  // The fleet's node-budget grant: the one cap on top of upstream's (a surge update makes no node unavailable).
  const remaining = Math.min(upstream, scope.disruptionAllowance ?? upstream);
  for (const [nodeName, pod] of candidates.slice(0, remaining)) result.deletions.push({ pod, nodeName, reason: 'rolling update' });
  for (const [nodeName] of candidates.slice(remaining, upstream)) result.waits.push(waitFor.fleetBudget(nodeName, remaining));
  for (const [nodeName] of candidates.slice(upstream)) heldBack.push(nodeName);
  for (const nodeName of heldBack) result.waits.push(waitFor.budget(nodeName, 'maxUnavailable', numUnavailable + remaining, maxUnavailable));
  return result;
}

/**
 * maxSurge > 0: start new pods beside old ones within maxSurge, retire an old pod once its new one
 * is available. A missing node counts as ineligible here (upstream fails the whole rolling update
 * until the pod disappears).
 */
function surgeUpdate(scope: SyncScope, order: string[], classify: (nodeName: string) => UpdatedPods, maxSurge: number, desired: number): RollingUpdateResult {
  const available = (pod: V1Pod) => isPodAvailable(pod, scope.minReadySeconds, scope.now);
  const result: RollingUpdateResult = { createOn: [], deletions: [], waits: [] };
  const shouldNotRun: [string, V1Pod][] = [];
  const candidates: string[] = [];
  const heldBack: string[] = [];
  let numSurge = 0;
  let numAvailable = 0;
  for (const nodeName of order) {
    const { newPod, oldPod, ok } = classify(nodeName);
    if (!ok) {
      numSurge++;
      continue;
    }
    if (oldPod ? available(oldPod) : newPod && available(newPod)) numAvailable++;
    if (!oldPod) continue; // empty and new-only nodes are manage's
    if (newPod) {
      if (available(newPod)) result.deletions.push({ pod: oldPod, nodeName, reason: 'old pod replaced (new pod available)' });
      else {
        numSurge++;
        result.waits.push(pendingWait(scope, nodeName, newPod));
      }
      continue;
    }
    const shouldRun = scope.eligibility.get(nodeName)?.shouldRun ?? false;
    if (!available(oldPod)) {
      if (shouldRun)
        result.createOn.push(nodeName); // down anyway: replace it without waiting for the budget
      else result.deletions.push({ pod: oldPod, nodeName, reason: 'old pod unavailable on an ineligible node' });
    } else if (!shouldRun) {
      shouldNotRun.push([nodeName, oldPod]);
    } else if (numSurge >= maxSurge) {
      heldBack.push(nodeName);
    } else {
      candidates.push(nodeName);
    }
  }
  // Pods on nodes that no longer should run them go only while more pods are available than desired.
  const deletable = Math.max(0, numAvailable - desired);
  for (const [nodeName, pod] of shouldNotRun.slice(0, deletable)) result.deletions.push({ pod, nodeName, reason: 'node no longer eligible' });
  for (const [nodeName] of shouldNotRun.slice(deletable)) result.waits.push(waitFor.ineligible(nodeName));
  const remaining = Math.max(0, Math.min(maxSurge - numSurge, candidates.length));
  result.createOn.push(...candidates.slice(0, remaining));
  heldBack.push(...candidates.slice(remaining));
  for (const nodeName of heldBack) result.waits.push(waitFor.budget(nodeName, 'maxSurge', numSurge + remaining, maxSurge));
  return result;
}

/** OnDelete replaces nothing; every node still running an old pod is named in the audit trail. */
export function onDeleteWaits(scope: SyncScope, byNode: ReadonlyMap<string, V1Pod[]>, generation: number | undefined): Wait[] {
  const waits: Wait[] = [];
  for (const [nodeName, pods] of byNode) {
    if (findUpdatedPodsOnNode(pods, scope.hash, generation).oldPod) waits.push(waitFor.onDelete(nodeName));
  }
  return waits;
}

// One DaemonSet's data path, top to bottom: rebuild → decide → record the decision → apply →
// record what happened → schedule the wake-up. Serial per DaemonSet (the FIFO group); the
// expected commit of step 3 is the last guard against a concurrent run.
import { reconcile } from '../../domain';
import { controllerKey } from '../../domain/cluster-state';
import { decisionEvents, decisionIdOf, timerReason } from '../../domain/decision-events';
import { INTENT_TIMEOUT_MS } from '../../domain/intents';
import type { DaemonSetKey } from '../../domain/streams';
import type { ReconcileInput, ReconcileResult } from '../../domain/types';
import { isStreamVersionConflict } from '../adapters/event-store/port';
import { applyDecision, type Outcome } from '../adapters/kubernetes/apply-decision';
import type { ClusterApi } from '../adapters/kubernetes/cluster-api';
import type { Rebuilt } from '../log/event-log';
import { refusedByCluster } from './confirm-spec';
import type { ReconcileDeps } from './deps';
import { podActionEvents, statusWrittenEvent } from './outcome-events';
import { sameStatus } from './status-change';
import { changesNothing } from './unchanged-decision';

/**
 * A lost race re-reads and decides again, after a short jittered pause. Timer firings and status
 * observations append to the DaemonSet's stream too: at a rollout wave's edge dozens of wake-ups
 * land at once, so a reconcile may lose many times in a row before it wins.
 */
const DECISION_ATTEMPTS = 50;
const CONFLICT_PAUSE_MS = 20;
/** When a failed API call names no Retry-After, try again after this long. */
const RETRY_AFTER_FAILURE_SECONDS = 1;

export type ReconcileOutcome = 'decided' | 'unchanged' | 'no-daemonset' | 'refused';

export async function reconcileOne(key: DaemonSetKey, deps: ReconcileDeps): Promise<ReconcileOutcome> {
  const api = await deps.clusters.api(key.clusterId);
  for (let attempt = 1; ; attempt++) {
    const now = deps.clock.now();
    let rebuilt = await deps.log.rebuild(key, now); // 1. snapshot + tails of nodes, pods, this DaemonSet
    if (await finishInterruptedDecision(key, rebuilt, api, deps)) rebuilt = await deps.log.rebuild(key, now);
    if (!rebuilt.input) return 'no-daemonset'; // deleted: the cluster's garbage collector owns its pods now

    const fleet = await deps.fleetBudget?.grant(key, { ...rebuilt.input, now }, rebuilt.daemonSetCommit); // a fleet member decides within its node-budget grant
    const input = fleet?.input ?? { ...rebuilt.input, now };
    const result = reconcile(input); // 2. the pure decision
    const commit = rebuilt.daemonSetCommit + 1;
    const decisionId = decisionIdOf(key, commit);
    const decided = decisionEvents({ key, commit, input, result, marks: fleet?.marks(rebuilt.marks) ?? rebuilt.marks });
    // A fleet member's decision that returns or takes budget is always recorded: its ledger commit names the decision's commit.
    if ((!fleet || fleet.touchesNothing(result)) && changesNothing(key, rebuilt, input, result, decided)) {
      deps.telemetry.count('ReconcileUnchanged');
      return 'unchanged'; // as the last decision: nothing to record, apply or schedule
    }
    const writesStatus = await statusNeedsWriting(key, result, input, deps);
    if (await refusedByCluster(key, api, input, result, writesStatus, deps)) return 'refused'; // … acted on only if the API server has the DaemonSet it was made on
    try {
      await fleet?.commit(result, commit); // the nodes it takes, at the ledger's expected commit
      await deps.log.appendDecision(key, rebuilt.daemonSetCommit, decided); // 3.
    } catch (error) {
      if (!isStreamVersionConflict(error) || attempt >= DECISION_ATTEMPTS) throw error;
      deps.telemetry.count('ReconcileConflict');
      await new Promise((resolve) => setTimeout(resolve, Math.random() * CONFLICT_PAUSE_MS)); // real time: racers are real processes
      continue; // another writer went first: rebuild on top of its commit
    }

    const previousStatus = rebuilt.state.controllers[controllerKey(key.namespace, key.name)]?.lastDecision?.status; // for the rollout's events
    const outcomes = await applyDecision(api, key.namespace, result, input, { status: previousStatus }); // 4. pods …
    const statusWrite = writesStatus ? await api.writeDaemonSetStatus(key.namespace, key.name, result.status) : undefined; // … and status
    await deps.log.appendOutcomes(key, [
      ...podActionEvents(key, decisionId, deps.clock.now(), outcomes),
      ...(statusWrite ? [statusWrittenEvent(key, decisionId, deps.clock.now(), result.status, statusWrite)] : []),
    ]); // 5. what really happened

    await scheduleWakeUps(key, now, result, [...outcomes, ...(statusWrite ? [statusWrite] : [])], deps); // 6.
    deps.telemetry.count('PodCreates', result.create.length);
    deps.telemetry.count('PodDeletes', result.delete.length);
    return 'decided';
  }
}

/**
 * Status is written when it changed — unless another request already waits: its reconcile will
 * write a newer status, so a burst of a hundred pod events costs one status write, not a hundred.
 */
async function statusNeedsWriting(key: DaemonSetKey, result: ReconcileResult, input: ReconcileInput, deps: ReconcileDeps): Promise<boolean> {
  return !sameStatus(result.status, input.daemonSet.status) && !(await deps.pending.waiting(key));
}

/**
 * The decision's own wake-up (a minReadySeconds gate, a backoff); a retry for what failed and can
 * be retried; and, for a decision that requested pod changes, a wake-up for when those requests
 * expire, should they never be observed (nothing else would wake the DaemonSet then).
 */
async function scheduleWakeUps(
  key: DaemonSetKey,
  now: Date,
  result: ReconcileResult,
  results: { outcome: string; retryable?: boolean; retryAfterSeconds?: number }[],
  deps: ReconcileDeps,
): Promise<void> {
  if (result.requeueAfterSeconds !== undefined) {
    await deps.timers.schedule(key, new Date(now.getTime() + result.requeueAfterSeconds * 1000), timerReason(result));
  }
  if (result.create.length + result.delete.length > 0) {
    await deps.timers.schedule(key, new Date(now.getTime() + INTENT_TIMEOUT_MS), 'requested pod changes expire unobserved');
  }
  const retryable = results.filter((r) => r.outcome === 'failed' && r.retryable);
  if (retryable.length > 0) {
    const seconds = Math.max(...retryable.map((r) => r.retryAfterSeconds ?? RETRY_AFTER_FAILURE_SECONDS));
    await deps.timers.schedule(key, new Date(deps.clock.now().getTime() + seconds * 1000), 'retry failed API calls');
  }
}

/**
 * A run that died after recording its decision (step 3) and before recording outcomes (step 5)
 * leaves the decision as the stream's last commit with its intents open. Apply them now rather
 * than wait for them to expire: creates use the decision's deterministic pod names (a create
 * that did land answers 409) and deletes carry the pod's uid (a pod already gone answers 404),
 * so applying twice changes nothing: a run racing the one it finishes costs API calls, never a
 * second pod. Returns whether anything was applied.
 */
async function finishInterruptedDecision(key: DaemonSetKey, rebuilt: Rebuilt, api: ClusterApi, deps: ReconcileDeps): Promise<boolean> {
  const lastDecisionId = decisionIdOf(key, rebuilt.daemonSetCommit);
  const controller = rebuilt.state.controllers[controllerKey(key.namespace, key.name)];
  const lastDecision = controller?.lastDecision;
  if (!rebuilt.input || lastDecision?.decisionId !== lastDecisionId || lastDecision.creates + lastDecision.deletes === 0) return false;
  const intentUid = `intent:${lastDecisionId}:`;
  const create = rebuilt.input.pods
    .filter((p) => p.metadata?.uid?.startsWith(intentUid))
    .map((p) => {
      const { uid: _uid, creationTimestamp: _created, ...metadata } = p.metadata!;
      return { nodeName: Object.values(controller.creates).find((c) => c.podName === metadata.name)!.nodeName, pod: { ...p, metadata, status: undefined } };
    });
  const deletes = Object.values(controller.deletes).filter((d) => d.decisionId === lastDecisionId);
  if (create.length === 0 && deletes.length === 0) return false;

  deps.telemetry.warn('finishing an interrupted decision', { decisionId: lastDecisionId, creates: create.length, deletes: deletes.length });
  const deletedPods = deletes.map((d) => ({ metadata: { name: d.podName, uid: d.podUid } }));
  const outcomes: Outcome[] = await applyDecision(
    api,
    key.namespace,
    {
      create,
      delete: deletes.map((d) => ({ podName: d.podName, ...(d.nodeName ? { nodeName: d.nodeName } : {}), reason: 'interrupted decision' })),
      adopt: [],
      release: [],
      status: {} as ReconcileResult['status'],
      waits: [],
      failedPodBackoff: {},
    },
    { daemonSet: rebuilt.input.daemonSet, pods: deletedPods },
  );
  await deps.log.appendOutcomes(key, podActionEvents(key, lastDecisionId, deps.clock.now(), outcomes));
  return true;
}

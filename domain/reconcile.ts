// syncDaemonSet (daemon_controller.go) as one pure decision: manage, then the rolling update on the
// pods as manage left them, then status on the pods as both left them — one sync with its
// expectations satisfied (the upstream unit tests' view). The caller applies the result.
import type { V1DaemonSet, V1DaemonSetStatus, V1Node, V1Pod } from '@kubernetes/client-node';
import { liveBackoff } from './backoff';
import { claimPods } from './claim';
import { daemonPodName, newDaemonPod } from './daemon-pod';
import { withDefaults } from './defaults';
import { daemonNodeEligibility } from './eligibility';
import { compileLabelSelector } from './label-selector';
import { BURST_REPLICAS, manage, type PodDeletion, type SyncScope } from './manage';
import { availableAtMs, isTerminating } from './pod-readiness';
import { podsByNode } from './pods-by-node';
import { currentRevision, templateGeneration } from './revisions';
import { allowsSurge, onDeleteWaits, rollingUpdate } from './rolling-update';
import { ROLLOUT_CONDITION_TYPES } from './rollout-control/conditions';
import { planRollout, rolloutConditions, type RolloutPlan } from './rollout-control/rollout-control';
import { toRecord, type StatusWithRollout } from './rollout-control/rollout-status';
import { rolloutControlOf } from './rollout-control/spec';
import { statusCounts, withSpecCondition } from './status';
import { millisOf } from './timestamps';
import type { Eligibility, PodCreate, ReconcileInput, ReconcileResult, Wait } from './types';
import { validateDaemonSet, type ValidationError } from './validation';
import { waitFor } from './waits';

const isObject = (v: unknown): boolean => typeof v === 'object' && v !== null;
/** Malformed entries (not objects) are skipped where the list is read. */
const list = <T>(value: unknown): T[] => (Array.isArray(value) ? value : []);

export function reconcile(input: ReconcileInput): ReconcileResult {
  const nowMs = millisOf(input?.now);
  const now = new Date(nowMs ?? 0);
  const given: V1DaemonSet = isObject(input?.daemonSet) ? input.daemonSet : ({} as V1DaemonSet);
  const previous = (isObject(given.status) ? given.status : {}) as V1DaemonSetStatus;
  const generation = typeof given.metadata?.generation === 'number' ? given.metadata.generation : undefined;
  const failedPodBackoff = liveBackoff(isObject(input?.failedPodBackoff) ? input.failedPodBackoff : undefined, nowMs ?? 0);
  const idle = (status: V1DaemonSetStatus, waits: Wait[] = []): ReconcileResult => ({
    create: [],
    delete: [],
    adopt: [],
    release: [],
    status,
    waits,
    failedPodBackoff,
  });
  // Being deleted: no pods touched and the status left as it is (the garbage collector takes over).
  if (given.metadata?.deletionTimestamp != null) return idle({ ...previous }, [{ reason: 'DaemonSet is being deleted' }]);

  const ds = withDefaults(given);
  const errors: ValidationError[] = validateDaemonSet(ds);
  if (nowMs === undefined) errors.push({ field: 'now', message: 'must be a valid time' });
  if (errors.length > 0) return idle(invalidStatus(previous, generation, errors, now));

  const revision = currentRevision(ds, input.revisions);
  const templateGen = templateGeneration(ds);
  // Each node once, by name (the first of duplicates), with its eligibility computed once.
  const eligible = daemonNodeEligibility(ds);
  const nodes: V1Node[] = [];
  const desired: V1Node[] = []; // those that should run the pod, for rollout control's wave plan
  const eligibility = new Map<string, Eligibility>();
  for (const node of list<V1Node>(input.nodes)) {
    const name = node?.metadata?.name;
    if (typeof name !== 'string' || name === '' || eligibility.has(name)) continue;
    const e = eligible(node);
    nodes.push(node);
    eligibility.set(name, e);
    if (e.shouldRun) desired.push(node);
  }
  const scope: SyncScope = {
    ds,
    nodes,
    eligibility,
    hash: revision.hash,
    minReadySeconds: ds.spec!.minReadySeconds ?? 0,
    now: nowMs!,
    ...(typeof input.disruptionAllowance === 'number' ? { disruptionAllowance: Math.max(0, input.disruptionAllowance) } : {}),
  };
  const pods = list<V1Pod>(input.pods);
  const claim = claimPods(ds, pods, compileLabelSelector(ds.spec!.selector));
  const namer = podNamer(ds, revision.hash, pods, list<string>(input.takenPodNames));
  const creates: PodCreate[] = [];
  const deletions: PodDeletion[] = [];
  const waits: Wait[] = [];
  // The view: claimed pods by target node, updated by each step's actions as if observed at once.
  const view = podsByNode(claim.claimed);
  // Rollout control (paused, partition, canary selector, waves, deadline, failure budget): only when the spec asks for it.
  const control = rolloutControlOf(ds);
  const plan = control ? planRollout(control, scope, desired, view, templateGen, input.revisions, previous) : undefined;
  const oldNamers = new Map<string, (nodeName: string) => string>();
  const podFor = (nodeName: string) => {
    const chosen = plan?.createRevision(nodeName);
    if (!chosen || chosen.current) return newDaemonPod(ds, nodeName, revision.hash, templateGen, namer(nodeName));
    if (!oldNamers.has(chosen.hash)) oldNamers.set(chosen.hash, podNamer(ds, chosen.hash, pods, list<string>(input.takenPodNames)));
    const old = { ...ds, spec: { ...ds.spec!, template: chosen.template } };
    return newDaemonPod(old, nodeName, chosen.hash, undefined, oldNamers.get(chosen.hash)!(nodeName));
  };

  // Each step may use what the BurstReplicas cap leaves of the pass.
  const act = (createOn: string[], wanted: PodDeletion[]) => {
    const room = Math.min(createOn.length, BURST_REPLICAS - creates.length);
    for (const nodeName of createOn.slice(0, room)) {
      const pod = podFor(nodeName);
      creates.push({ nodeName, pod });
      addToView(view, nodeName, { ...pod, metadata: { ...pod.metadata, creationTimestamp: now } });
    }
    const gone = wanted.slice(0, BURST_REPLICAS - deletions.length);
    for (const d of gone) removeFromView(view, d.nodeName, d.pod);
    deletions.push(...gone);
    if (room < createOn.length) waits.push(waitFor.burst('creates', createOn.length - room));
    if (gone.length < wanted.length) waits.push(waitFor.burst('deletes', wanted.length - gone.length));
  };

  // 1. manage: missing pods, duplicates, failed and succeeded pods, ineligible and vanished nodes
  if (plan) waits.push(...plan.waits);
  const managed = manage(scope, view, plan?.allowsSurge ?? allowsSurge(ds), failedPodBackoff);
  waits.push(...managed.waits);
  act(managed.createOn, managed.deletions);

  // 2. the update strategy, on the pods as manage left them
  if (plan) {
    for (const update of plan.updates) {
      const updated = rollingUpdate({ ...scope, nodes: update.nodes }, viewOf(view, update.nodes), templateGen, update.budget);
      waits.push(...updated.waits);
      act(updated.createOn, updated.deletions);
    }
  } else if (ds.spec!.updateStrategy!.type === 'RollingUpdate') {
    const updated = rollingUpdate(scope, view, templateGen);
    waits.push(...updated.waits);
    act(updated.createOn, updated.deletions);
  } else {
    waits.push(...onDeleteWaits(scope, view, templateGen));
  }

  // 3. status, on the pods as both steps left them
  const counts = statusCounts(scope, view, templateGen);
  const status: V1DaemonSetStatus = {
    ...previous,
    ...counts,
    observedGeneration: generation ?? previous.observedGeneration,
    collisionCount: revision.collisionCount,
    conditions: withSpecCondition(previous.conditions, [], now),
  };
  if (plan) withRollout(status, plan, ds, counts, now, generation);
  else if (previous.conditions?.some((c) => ROLLOUT_CONDITION_TYPES.includes(c?.type)) || 'rollout' in previous) withoutRollout(status);
  if (status.conditions === undefined) delete status.conditions;
  if (status.collisionCount === undefined) delete status.collisionCount;
  if (status.observedGeneration === undefined) delete status.observedGeneration;

  const requeue = [...managed.requeueSeconds, ...minReadyGate(scope, view, counts), ...(plan?.requeueSeconds ?? [])];
  return {
    create: creates,
    delete: deletions.map(({ pod, nodeName, reason }) => ({ podName: pod.metadata?.name ?? '', nodeName, reason })),
    adopt: claim.adopt,
    release: claim.release,
    status,
    ...(requeue.length > 0 ? { requeueAfterSeconds: Math.min(...requeue) } : {}),
    waits,
    failedPodBackoff,
  };
}

/** The pods of `nodes` only: one wave's part of the view (the pod lists are shared, so actions stay visible). */
function viewOf(view: Map<string, V1Pod[]>, nodes: readonly V1Node[]): Map<string, V1Pod[]> {
  const part = new Map<string, V1Pod[]>();
  for (const node of nodes) {
    const pods = view.get(node.metadata!.name!);
    if (pods) part.set(node.metadata!.name!, pods);
  }
  return part;
}

/** Progressing, Available and Paused, and status.rollout, for a DaemonSet under rollout control. */
function withRollout(
  status: V1DaemonSetStatus,
  plan: RolloutPlan,
  ds: V1DaemonSet,
  counts: { desiredNumberScheduled: number; numberAvailable: number },
  now: Date,
  generation: number | undefined,
): void {
  status.conditions = rolloutConditions(plan, ds, counts, status, now, generation);
  (status as StatusWithRollout).rollout = toRecord(plan.rollout);
}

/** The rollout fields were removed from the spec: so go their conditions and status.rollout. */
function withoutRollout(status: V1DaemonSetStatus): void {
  delete (status as StatusWithRollout).rollout;
  if (status.conditions) status.conditions = status.conditions.filter((c) => !ROLLOUT_CONDITION_TYPES.includes(c?.type));
  if (status.conditions?.length === 0) delete status.conditions;
}

function addToView(view: Map<string, V1Pod[]>, nodeName: string, pod: V1Pod): void {
  const pods = view.get(nodeName);
  if (pods) pods.push(pod);
  else view.set(nodeName, [pod]);
}

/** A node left without pods has no entry: to manage and status that is "no pod here". */
function removeFromView(view: Map<string, V1Pod[]>, nodeName: string, pod: V1Pod): void {
  const pods = view.get(nodeName);
  const at = pods ? pods.indexOf(pod) : -1;
  if (at < 0) return;
  pods!.splice(at, 1);
  if (pods!.length === 0) view.delete(nodeName);
}

/**
 * Names are deterministic; `attempt` skips names held by a pod we can see (a lingering old pod)
 * and names the input says are taken (pods we do not select, lately deleted ones, 409s for
 * someone else's pod), so a create never asks twice for a name another pod holds.
 */
function podNamer(ds: V1DaemonSet, hash: string, pods: V1Pod[], takenNames: string[]): (nodeName: string) => string {
  let taken: Set<string | undefined> | undefined; // built on the first create: most passes create nothing
  return (nodeName) => {
    taken ??= new Set([...pods.map((p) => p?.metadata?.name), ...takenNames]);
    let name = daemonPodName(ds, nodeName, hash);
    for (let attempt = 1; taken.has(name); attempt++) name = daemonPodName(ds, nodeName, hash, attempt);
    taken.add(name);
    return name;
  };
}

/**
 * The minReadySeconds gate: wake when the first Ready pod turns available (at most
 * minReadySeconds away). Upstream requeues after the full minReadySeconds whenever numberReady ≠
 * numberAvailable; we keep that only when no Ready pod has a time to wait for.
 */
function minReadyGate(scope: SyncScope, view: ReadonlyMap<string, V1Pod[]>, counts: { numberReady: number; numberAvailable: number }): number[] {
  if (scope.minReadySeconds <= 0) return [];
  let earliest = Infinity;
  for (const pods of view.values()) {
    for (const pod of pods) {
      const at = availableAtMs(pod, scope.minReadySeconds);
      if (at !== undefined && at > scope.now && !isTerminating(pod)) earliest = Math.min(earliest, at);
    }
  }
  if (earliest < Infinity) return [Math.min(scope.minReadySeconds, Math.max(1, Math.ceil((earliest - scope.now) / 1000)))];
  return counts.numberReady !== counts.numberAvailable ? [scope.minReadySeconds] : [];
}

/** No pod is touched for a spec we cannot read; the counts stay as they were and a condition says why. */
function invalidStatus(previous: V1DaemonSetStatus, generation: number | undefined, errors: ValidationError[], now: Date): V1DaemonSetStatus {
  return {
    ...previous,
    currentNumberScheduled: previous.currentNumberScheduled ?? 0,
    desiredNumberScheduled: previous.desiredNumberScheduled ?? 0,
    numberMisscheduled: previous.numberMisscheduled ?? 0,
    numberReady: previous.numberReady ?? 0,
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
    conditions: withSpecCondition(previous.conditions, errors, now),
  };
}

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
    create: [], delete: [], adopt: [], release: [], status, waits, failedPodBackoff,
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
  const eligibility = new Map<string, Eligibility>();
  for (const node of list<V1Node>(input.nodes)) {
    const name = node?.metadata?.name;
    if (typeof name !== 'string' || name === '' || eligibility.has(name)) continue;
    nodes.push(node);
    eligibility.set(name, eligible(node));
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
  const namer = podNamer(ds, revision.hash, pods);
  const creates: PodCreate[] = [];
  const deletions: PodDeletion[] = [];
  const waits: Wait[] = [];
  // The view: claimed pods by target node, updated by each step's actions as if observed at once.
  const view = podsByNode(claim.claimed);

  // Each step may use what the BurstReplicas cap leaves of the pass.
  const act = (createOn: string[], wanted: PodDeletion[]) => {
    const room = Math.min(createOn.length, BURST_REPLICAS - creates.length);
    for (const nodeName of createOn.slice(0, room)) {
      const pod = newDaemonPod(ds, nodeName, revision.hash, templateGen, namer(nodeName));
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
  const managed = manage(scope, view, allowsSurge(ds), failedPodBackoff);
  waits.push(...managed.waits);
  act(managed.createOn, managed.deletions);

  // 2. the update strategy, on the pods as manage left them
  if (ds.spec!.updateStrategy!.type === 'RollingUpdate') {
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
  if (status.conditions === undefined) delete status.conditions;
  if (status.collisionCount === undefined) delete status.collisionCount;
  if (status.observedGeneration === undefined) delete status.observedGeneration;

  const requeue = [...managed.requeueSeconds, ...minReadyGate(scope, view, counts)];
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

/** Names are deterministic; `attempt` skips names still held by a pod we can see (a lingering old pod). */
function podNamer(ds: V1DaemonSet, hash: string, pods: V1Pod[]): (nodeName: string) => string {
  let taken: Set<string | undefined> | undefined; // built on the first create: most passes create nothing
  return (nodeName) => {
    taken ??= new Set(pods.map((p) => p?.metadata?.name));
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

// The event log's vocabulary: what the controller observed and what it decided (docs/DESIGN.md §4).
// Observations carry projections (only the fields the controller reads), typed as the
// @kubernetes/client-node models they are cut from. evolve.ts folds these; the schemas that
// validate them at the boundary live in event-schema.ts.
import type { V1DaemonSet, V1DaemonSetStatus, V1Node, V1Pod, V1PodTemplateSpec } from '@kubernetes/client-node';
import type { FailedPodBackoff, Wait } from './types';
import type { WaitsChange } from './waits-change';

export const EVENT_SCHEMA_VERSION = 1;

/** Event type names, exported as constants the way client-node exports its watch verbs. */
export const NODE_OBSERVED = 'NodeObserved';
export const NODE_DELETED = 'NodeDeleted';
export const POD_OBSERVED = 'PodObserved';
export const POD_DELETED = 'PodDeleted';
export const DAEMONSET_OBSERVED = 'DaemonSetObserved';
export const DAEMONSET_DELETED = 'DaemonSetDeleted';
export const RELIST_COMPLETED = 'RelistCompleted';
export const NODE_REQUESTS_OBSERVED = 'NodeRequestsObserved';
export const RECONCILE_DECIDED = 'ReconcileDecided';
export const POD_CREATE_REQUESTED = 'PodCreateRequested';
export const POD_DELETE_REQUESTED = 'PodDeleteRequested';
export const POD_ACTION_COMPLETED = 'PodActionCompleted';
export const TIMER_SCHEDULED = 'TimerScheduled';
export const TIMER_FIRED = 'TimerFired';
export const STATUS_WRITTEN = 'StatusWritten';
export const REVISION_RECORDED = 'RevisionRecorded';
export const REVISIONS_PRUNED = 'RevisionsPruned';
export const DECISION_REFUSED = 'DecisionRefused';
export const ROLLOUT_PLANNED = 'RolloutPlanned';
/** Not an observation: a forwarder saying it is alive; ingest counts it and the log never holds it. */
export const FORWARDER_HEARTBEAT = 'ForwarderHeartbeat';

export const OBSERVATION_TYPES = [
  NODE_OBSERVED,
  NODE_DELETED,
  POD_OBSERVED,
  POD_DELETED,
  DAEMONSET_OBSERVED,
  DAEMONSET_DELETED,
  RELIST_COMPLETED,
  NODE_REQUESTS_OBSERVED,
] as const;
export type ObservationType = (typeof OBSERVATION_TYPES)[number];

interface EventBase<T extends string> {
  type: T;
  clusterId: string;
  schemaVersion: number;
  time: string; // ISO 8601; when the event happened (watch receipt, or the decision's `now`)
}

/** Identifies a deleted object: a tombstone wins over every older resourceVersion of the same uid. */
export interface ObjectRef {
  namespace?: string;
  name: string;
  uid: string;
  resourceVersion: string;
}

// ── observations ─────────────────────────────────────────────────────────────
export interface NodeObserved extends EventBase<typeof NODE_OBSERVED> {
  node: V1Node; // projection: metadata {name, uid, labels, resourceVersion}, spec {taints, unschedulable}
}
export interface NodeDeleted extends EventBase<typeof NODE_DELETED> {
  ref: ObjectRef;
}
export interface PodObserved extends EventBase<typeof POD_OBSERVED> {
  pod: V1Pod; // projection: uid, name, namespace, labels, ownerReferences, creationTimestamp,
  //            deletionTimestamp, resourceVersion, spec {nodeName, target-node affinity}, status {phase, Ready}
}
export interface PodDeleted extends EventBase<typeof POD_DELETED> {
  ref: ObjectRef;
}
export interface DaemonSetObserved extends EventBase<typeof DAEMONSET_OBSERVED> {
  daemonSet: V1DaemonSet; // metadata {name, namespace, uid, generation, resourceVersion, labels,
  //                          annotations, deletionTimestamp, creationTimestamp}, full spec, status
}
export interface DaemonSetDeleted extends EventBase<typeof DAEMONSET_DELETED> {
  ref: ObjectRef;
}
/**
 * After a full list: every object of `kind` (in `namespace`, when given) whose uid is not in
 * `presentUids` and whose last resourceVersion is not newer than the list's is gone. A large list
 * is split into `parts` events sharing a `relistId` (a PutEvents entry holds ≤ 256 KB); the fold
 * acts only once every part of a relist has arrived.
 */
export interface RelistCompleted extends EventBase<typeof RELIST_COMPLETED> {
  kind: 'Node' | 'Pod' | 'DaemonSet';
  namespace?: string;
  resourceVersion: string; // the list's resourceVersion
  relistId: string;
  part: number; // 1-based
  parts: number;
  presentUids: string[];
}

/**
 * What the pods bound to a node request in total (every non-terminal pod, daemon or not, as the
 * scheduler counts them): with the node's allocatable, whether a new revision would fit. The
 * forwarder sends it when the total changes; `resourceVersion` is the pod watch's, so the newest wins.
 */
export interface NodeRequestsObserved extends EventBase<typeof NODE_REQUESTS_OBSERVED> {
  nodeName: string;
  requested: { cpu: string; memory: string };
  pods: number;
  resourceVersion: string;
}

// ── decisions ────────────────────────────────────────────────────────────────
/** The high-water marks of the inputs a decision saw: enough to rebuild its input from the log. */
export interface InputMarks {
  streams: Record<string, number>; // stream id → last commit folded
  daemonSetUid?: string;
  daemonSetResourceVersion?: string;
  /** Pod names of earlier intents this decision saw fulfilled: the fold ends them here. */
  settledIntents?: { creates: string[]; deletes: string[] };
  /** The fleet node-budget grant the decision was given (ReconcileInput.disruptionAllowance), when one applied. */
  disruptionAllowance?: number;
}
export interface ReconcileDecided extends EventBase<typeof RECONCILE_DECIDED> {
  decisionId: string; // `<DaemonSet stream id>@<commit>`: unique, deterministic
  daemonSetUid: string;
  inputs: InputMarks;
  creates: number;
  deletes: number;
  status: V1DaemonSetStatus;
  waits: Wait[];
  /** Stored form only: `waits` as a change against the stream's previous decision (waits then []). A store's read materialises it. */
  waitsChange?: WaitsChange;
  requeueAfterSeconds?: number;
  failedPodBackoff: FailedPodBackoff;
  currentHash: string;
}
/** An intent: pending until the pod is observed, the request fails, or it expires (5 minutes). */
export interface PodCreateRequested extends EventBase<typeof POD_CREATE_REQUESTED> {
  decisionId: string;
  namespace: string;
  podName: string; // deterministic: a retried create answers 409, never a second pod
  nodeName: string;
  hash: string;
}
export interface PodDeleteRequested extends EventBase<typeof POD_DELETE_REQUESTED> {
  decisionId: string;
  namespace: string;
  podName: string;
  podUid: string; // delete precondition: a replaced pod of the same name is never deleted
  nodeName?: string;
  reason: string;
}
export type PodActionOutcome = 'succeeded' | 'already-done' | 'failed';
export interface PodActionCompleted extends EventBase<typeof POD_ACTION_COMPLETED> {
  decisionId: string;
  action: 'create' | 'delete';
  namespace: string;
  podName: string;
  nodeName?: string;
  outcome: PodActionOutcome;
  reason?: string; // failed: the API's message; already-done: 409 AlreadyExists / 404 NotFound
  retryable?: boolean;
  /** create, failed: the name is held by a pod that is not this DaemonSet's for this node and revision; never ask for it again. */
  nameTaken?: boolean;
}
export interface TimerScheduled extends EventBase<typeof TIMER_SCHEDULED> {
  decisionId: string;
  dueAt: string; // ISO 8601
  reason: string;
}
export interface TimerFired extends EventBase<typeof TIMER_FIRED> {
  daemonSet: string; // the DaemonSet's stream id (the timer message's `daemonSet`)
  dueAt: string;
}
export interface StatusWritten extends EventBase<typeof STATUS_WRITTEN> {
  decisionId: string;
  status: V1DaemonSetStatus;
  outcome: 'succeeded' | 'failed';
  reason?: string;
}
export interface RevisionRecorded extends EventBase<typeof REVISION_RECORDED> {
  decisionId: string; // the decision that first used this revision
  revision: number;
  hash: string;
  template: V1PodTemplateSpec;
}

/** cleanupHistory: old revisions beyond revisionHistoryLimit that no pod carries, dropped by this decision. */
export interface RevisionsPruned extends EventBase<typeof REVISIONS_PRUNED> {
  decisionId: string;
  hashes: string[];
}

/** What identifies a DaemonSet's spec: compared between the log and the API server before pods change. */
export interface SpecIdentity {
  uid: string;
  generation?: number;
  templateHash: string; // SHA-256 of the defaulted template (canonical JSON)
  specHash: string; // SHA-256 of the whole defaulted spec (selector, strategy, …)
}
/**
 * A decision that changes pods was not applied (nor recorded as a decision): the DaemonSet it was
 * made on is not the one the cluster's API server has. The API server is the authority; the log
 * may hold a forged or stale observation. `cluster` is absent when the API server has no such DaemonSet.
 */
export interface DecisionRefused extends EventBase<typeof DECISION_REFUSED> {
  daemonSet: string; // the DaemonSet's stream id
  reason: string;
  decidedOn: SpecIdentity;
  cluster?: SpecIdentity;
  creates: number; // the pod changes refused
  deletes: number;
}

/** A prediction `daemonloop plan --record` made for rolling out the template with `hash`: held against what happened. */
export interface RolloutPlanned extends EventBase<typeof ROLLOUT_PLANNED> {
  hash: string;
  strategy: string;
  p50Ms: number;
  p90Ms: number;
  peakUnavailable: number;
  surgePodHours?: number; // absent in plans recorded before it was kept
}

export type Observation = NodeObserved | NodeDeleted | PodObserved | PodDeleted | DaemonSetObserved | DaemonSetDeleted | RelistCompleted | NodeRequestsObserved;
export type Decision =
  | ReconcileDecided
  | PodCreateRequested
  | PodDeleteRequested
  | PodActionCompleted
  | TimerScheduled
  | TimerFired
  | StatusWritten
  | RevisionRecorded
  | RevisionsPruned
  | DecisionRefused
  | RolloutPlanned;
export type LogEvent = Observation | Decision;
export type LogEventType = LogEvent['type'];

/**
 * A forwarder saying it is alive, every minute (functions/forwarder/heartbeat.ts). Ingest admits
 * it like an observation (valid, registered cluster, that cluster's forwarder) and emits the
 * ForwarderHeartbeat metric per ClusterId; the log never holds it (a beat a minute per cluster
 * would be most of the log and tells the fold nothing), so it is not a LogEvent.
 */
export type ForwarderHeartbeat = EventBase<typeof FORWARDER_HEARTBEAT>;
/** What a forwarder puts on the bus. */
export type ForwardedEvent = Observation | ForwarderHeartbeat;

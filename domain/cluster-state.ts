// The folded state of one cluster: what the controller last saw of every object, what is known to
// be gone, and each DaemonSet's own bookkeeping (intents, revisions, backoff, timers). Plain
// records throughout, so a snapshot is JSON and back.
import type { V1DaemonSet, V1DaemonSetStatus, V1Node, V1ObjectMeta, V1Pod } from '@kubernetes/client-node';
import { EVENT_SCHEMA_VERSION } from './events';
import { isNewer } from './resource-version';
import type { FailedPodBackoff, Revision } from './types';

/** Bump when evolve changes how it folds: snapshots of another fold version are ignored and rebuilt. */
export const FOLD_VERSION = 2;

export type ObjectKind = 'Node' | 'Pod' | 'DaemonSet';

export interface ClusterState {
  nodes: Record<string, V1Node>; // by uid
  pods: Record<string, V1Pod>; // by uid
  daemonSets: Record<string, V1DaemonSet>; // by uid
  /**
   * Deleted objects, keyed by uid (`<namespace>/<uid>` for pods and DaemonSets), valued by the
   * deletion's resourceVersion: no observation at or below it brings the object back.
   */
  tombstones: Record<ObjectKind, Record<string, string>>;
  /** The newest completed relist per scope (`Pod/<ns>`, `Pod/*`, …): see RelistFloor. */
  relistFloors: Record<string, RelistFloor>;
  /** Relists some of whose parts have not arrived yet, by relistId. */
  pendingRelists: Record<string, PendingRelist>;
  /** Per DaemonSet, by `<namespace>/<name>`. */
  controllers: Record<string, ControllerState>;
  /**
   * Pod names seen deleted (`<namespace>/<name>` → the event's time), kept while an intent could
   * wait for them: a create is fulfilled once its pod was ever seen, and a name is not reused soon.
   */
  podNamesGone: Record<string, string>;
}

/**
 * A complete list at `resourceVersion`: the objects of the scope it did not list, and whose
 * resourceVersion was not newer, were gone by then. It keeps their uids (`gone`, uid → when
 * known gone) so a stale observation arriving later does not bring them back; a uid it never saw
 * it never rejects (a pod may become a daemon pod later, unchanged).
 */
export interface RelistFloor {
  resourceVersion: string;
  time: string; // the list's time: a later list with an older resourceVersion means etcd was restored
  gone: Record<string, string>;
  /** This list went below the floor before it (an etcd restore): that floor's resourceVersion. */
  restoredFrom?: string;
}

export interface PendingRelist {
  kind: ObjectKind;
  namespace?: string;
  resourceVersion: string;
  time: string;
  parts: number;
  received: Record<string, string[]>; // part number → its presentUids
}

export interface PendingCreate {
  decisionId: string;
  namespace: string;
  podName: string;
  nodeName: string;
  hash: string;
  requestedAt: string; // ISO 8601: the decision's time
}

export interface PendingDelete {
  decisionId: string;
  namespace: string;
  podName: string;
  podUid: string;
  nodeName?: string;
  requestedAt: string;
}

export interface LastDecision {
  decisionId: string;
  time: string;
  currentHash: string;
  creates: number;
  deletes: number;
  status: V1DaemonSetStatus;
  requeueAfterSeconds?: number;
}

export interface ControllerState {
  /** The DaemonSet incarnation the decisions below were taken for; a recreated DaemonSet starts afresh. */
  daemonSetUid: string;
  creates: Record<string, PendingCreate>; // by pod name
  deletes: Record<string, PendingDelete>; // by pod name
  revisions: Revision[]; // ascending by revision
  failedPodBackoff: FailedPodBackoff;
  lastDecision?: LastDecision;
  timers: Record<string, { dueAt: string; reason: string; decisionId: string }>; // by dueAt, not yet fired
  /** Names the API said another pod holds (name → the revision hash asked for), for the current revision. */
  takenPodNames: Record<string, string>;
}

export const emptyClusterState = (): ClusterState => ({
  nodes: {},
  pods: {},
  daemonSets: {},
  tombstones: { Node: {}, Pod: {}, DaemonSet: {} },
  relistFloors: {},
  pendingRelists: {},
  controllers: {},
  podNamesGone: {},
});

export const emptyControllerState = (daemonSetUid: string): ControllerState => ({
  daemonSetUid,
  creates: {},
  deletes: {},
  revisions: [],
  failedPodBackoff: {},
  timers: {},
  takenPodNames: {},
});

export const relistScope = (kind: ObjectKind, namespace?: string): string => `${kind}/${namespace ?? '*'}`;
export const controllerKey = (namespace: string, name: string): string => `${namespace}/${name}`;

/**
 * Unites states folded from different streams (nodes, one namespace's pods, one DaemonSet) into a
 * new state that shares no record with them. Each stream owns its part of the state, so this is a
 * union; where two parts know the same thing, the newer resourceVersion wins, as in one fold.
 */
export function mergeStates(parts: readonly ClusterState[]): ClusterState {
  const merged = emptyClusterState();
  for (const part of parts) {
    newestByUid(merged.nodes, part.nodes);
    newestByUid(merged.pods, part.pods);
    newestByUid(merged.daemonSets, part.daemonSets);
    for (const kind of ['Node', 'Pod', 'DaemonSet'] as const) {
      for (const [key, rv] of Object.entries(part.tombstones[kind])) {
        const known = merged.tombstones[kind][key];
        if (known === undefined || isNewer(rv, known)) merged.tombstones[kind][key] = rv;
      }
    }
    // A cluster-wide pod floor reaches every pods stream; each knows its own namespace's gone uids.
    for (const [scope, floor] of Object.entries(part.relistFloors)) {
      const known = merged.relistFloors[scope];
      if (known === undefined || isNewer(floor.resourceVersion, known.resourceVersion)) merged.relistFloors[scope] = structuredClone(floor);
      else if (known.resourceVersion === floor.resourceVersion) Object.assign(known.gone, floor.gone);
    }
    for (const [name, time] of Object.entries(part.podNamesGone)) {
      const known = merged.podNamesGone[name];
      if (known === undefined || known < time) merged.podNamesGone[name] = time;
    }
    Object.assign(merged.pendingRelists, structuredClone(part.pendingRelists));
    Object.assign(merged.controllers, structuredClone(part.controllers)); // evolve updates these in place
  }
  return merged;
}

function newestByUid<T extends { metadata?: { resourceVersion?: string } }>(into: Record<string, T>, from: Record<string, T>): void {
  for (const [uid, object] of Object.entries(from)) {
    const known = into[uid]?.metadata?.resourceVersion;
    if (known === undefined || isNewer(object.metadata!.resourceVersion!, known)) into[uid] = object;
  }
}

// ── snapshots ────────────────────────────────────────────────────────────────
/** The state as JSON, stamped with the fold and event schema versions that produced it. */
export function toSnapshot(state: ClusterState): string {
  return JSON.stringify({ foldVersion: FOLD_VERSION, schemaVersion: EVENT_SCHEMA_VERSION, state });
}

/**
 * The state a snapshot holds, with its Dates restored — or undefined when another fold or schema
 * version wrote it (the caller rebuilds from the log instead of trusting it). The snapshot was
 * written by toSnapshot and its integrity checked by the store, so only the Dates that JSON turned
 * into strings need restoring: those event-schema.ts turns back into Dates in projections.
 */
export function fromSnapshot(json: string): ClusterState | undefined {
  const snapshot = JSON.parse(json) as { foldVersion?: unknown; schemaVersion?: unknown; state?: ClusterState };
  if (snapshot.foldVersion !== FOLD_VERSION || snapshot.schemaVersion !== EVENT_SCHEMA_VERSION || !snapshot.state) return undefined;
  const state = snapshot.state;
  for (const pod of Object.values(state.pods)) {
    reviveMetadata(pod.metadata);
    for (const c of pod.status?.conditions ?? []) if (c.lastTransitionTime !== undefined) c.lastTransitionTime = date(c.lastTransitionTime);
  }
  for (const ds of Object.values(state.daemonSets)) {
    reviveMetadata(ds.metadata);
    reviveStatus(ds.status);
  }
  for (const controller of Object.values(state.controllers)) {
    for (const backoff of Object.values(controller.failedPodBackoff)) backoff.since = date(backoff.since)!;
    reviveStatus(controller.lastDecision?.status);
  }
  return state;
}

const date = (value: Date | string | undefined): Date | undefined => (value === undefined ? undefined : new Date(value));

function reviveMetadata(metadata: V1ObjectMeta | undefined): void {
  if (metadata?.creationTimestamp !== undefined) metadata.creationTimestamp = date(metadata.creationTimestamp);
  if (metadata?.deletionTimestamp !== undefined) metadata.deletionTimestamp = date(metadata.deletionTimestamp);
}

function reviveStatus(status: V1DaemonSetStatus | undefined): void {
  for (const c of status?.conditions ?? []) if (c.lastTransitionTime !== undefined) c.lastTransitionTime = date(c.lastTransitionTime);
}

// The fold: one event at a time into a ClusterState (emmett's evolve). Observations are
// order-tolerant and idempotent — per uid the newest resourceVersion wins, deletions leave
// tombstones, a completed relist removes what it no longer lists — so EventBridge duplicates,
// reordering and stale redeliveries all converge to the same state. Decisions arrive in their
// DaemonSet stream's commit order and maintain that DaemonSet's controller state.
//
// evolve updates the state it is given and returns it: a cluster holds thousands of objects, and a
// copy per event would make a rebuild quadratic. It reads no clock, does no I/O, draws no random
// number: the same events give the same state.
import type { V1ObjectMeta } from '@kubernetes/client-node';
import {
  controllerKey,
  emptyClusterState,
  emptyControllerState,
  relistScope,
  type ClusterState,
  type ControllerState,
  type ObjectKind,
  type RelistFloor,
} from './cluster-state';
import * as E from './events';
import { expireIntents, INTENT_TIMEOUT_MS, isRequestedPodUid, settleIntents } from './intents';
import { compareResourceVersions, isNewer } from './resource-version';
import { parseDaemonSetStreamId } from './streams';

export function evolve(state: ClusterState, event: E.LogEvent): ClusterState {
  switch (event.type) {
    case E.NODE_OBSERVED:
      observe(state, 'Node', state.nodes, event.node);
      return state;
    case E.POD_OBSERVED:
      observe(state, 'Pod', state.pods, event.pod);
      return state;
    case E.DAEMONSET_OBSERVED:
      observe(state, 'DaemonSet', state.daemonSets, event.daemonSet);
      return state;
    case E.NODE_DELETED:
      forget(state, 'Node', state.nodes, event.ref, event.time);
      return state;
    case E.POD_DELETED:
      podNameGone(state, event.ref.namespace, event.ref.name, event.time);
      forget(state, 'Pod', state.pods, event.ref, event.time);
      return state;
    case E.DAEMONSET_DELETED:
      forget(state, 'DaemonSet', state.daemonSets, event.ref, event.time);
      return state;
    case E.RELIST_COMPLETED:
      relisted(state, event);
      return state;
    case E.NODE_REQUESTS_OBSERVED:
      return state; // for the planner (domain/plan), which reads it from the nodes stream; no decision uses it
    case E.RECONCILE_DECIDED: {
      const controller = controllerOf(state, event.decisionId, event.daemonSetUid);
      settleIntents(controller, event.inputs.settledIntents);
      expireIntents(controller, event.time);
      for (const [name, hash] of Object.entries(controller.takenPodNames)) if (hash !== event.currentHash) delete controller.takenPodNames[name]; // names embed the hash
      controller.failedPodBackoff = event.failedPodBackoff;
      controller.lastDecision = {
        decisionId: event.decisionId,
        time: event.time,
        currentHash: event.currentHash,
        creates: event.creates,
        deletes: event.deletes,
        status: event.status,
        ...(event.requeueAfterSeconds === undefined ? {} : { requeueAfterSeconds: event.requeueAfterSeconds }),
      };
      return state;
    }
    case E.POD_CREATE_REQUESTED: {
      const { decisionId, namespace, podName, nodeName, hash, time } = event;
      controllerOf(state, decisionId).creates[podName] = { decisionId, namespace, podName, nodeName, hash, requestedAt: time };
      return state;
    }
    case E.POD_DELETE_REQUESTED: {
      const { decisionId, namespace, podName, podUid, nodeName, time } = event;
      const controller = controllerOf(state, decisionId);
      if (!isRequestedPodUid(podUid)) delete controller.creates[podName]; // the decision saw the pod it now deletes
      controller.deletes[podName] = { decisionId, namespace, podName, podUid, ...(nodeName ? { nodeName } : {}), requestedAt: time };
      return state;
    }
    case E.POD_ACTION_COMPLETED: {
      // A failed request will not be observed, and an already-done one (409, 404) needs no wait: both
      // end the intent. A success stays pending until the pod is seen (or the intent expires).
      if (event.outcome === 'succeeded') return state;
      const controller = controllerOf(state, event.decisionId);
      const intents = event.action === 'create' ? controller.creates : controller.deletes;
      if (event.action === 'delete' && isRequestedPodUid(controller.deletes[event.podName]?.podUid ?? '')) return state; // it waits for its create
      if (event.nameTaken) controller.takenPodNames[event.podName] = controller.creates[event.podName]?.hash ?? controller.lastDecision?.currentHash ?? '';
      if (intents[event.podName]?.decisionId === event.decisionId) delete intents[event.podName];
      return state;
    }
    case E.TIMER_SCHEDULED: {
      const { decisionId, dueAt, reason } = event;
      controllerOf(state, decisionId).timers[dueAt] = { dueAt, reason, decisionId };
      return state;
    }
    case E.TIMER_FIRED: {
      const timers = controllerOf(state, event.daemonSet).timers;
      for (const dueAt of Object.keys(timers)) if (Date.parse(dueAt) <= Date.parse(event.dueAt)) delete timers[dueAt];
      return state;
    }
    case E.STATUS_WRITTEN:
      return state; // an audit record: the next decision computes status afresh
    case E.DECISION_REFUSED:
      return state; // an audit record: nothing was requested, so no intent opens
    case E.ROLLOUT_PLANNED:
      return state; // a prediction, held against the decisions that follow it (functions/log/planned-vs-actual.ts)
    case E.REVISION_RECORDED: {
      // By hash: re-applying an old template renumbers its revision rather than adding one.
      const { revision, hash, template } = event;
      const controller = controllerOf(state, event.decisionId);
      controller.revisions = [...controller.revisions.filter((r) => r.hash !== hash), { revision, hash, template }].sort((a, b) => a.revision - b.revision);
      return state;
    }
    case E.REVISIONS_PRUNED: {
      const controller = controllerOf(state, event.decisionId);
      controller.revisions = controller.revisions.filter((r) => !event.hashes.includes(r.hash));
      return state;
    }
    default: {
      const unknown: never = event;
      throw new Error(`evolve: unknown event type ${JSON.stringify((unknown as { type?: unknown }).type)}`);
    }
  }
}

/** Folds events into a fresh state (or onto `state`). */
export function fold(events: Iterable<E.LogEvent>, state: ClusterState = emptyClusterState()): ClusterState {
  for (const event of events) evolve(state, event);
  return state;
}

// ── observations ─────────────────────────────────────────────────────────────
type Observed = { metadata?: V1ObjectMeta };

function observe<T extends Observed>(state: ClusterState, kind: ObjectKind, objects: Record<string, T>, object: T): void {
  const { uid, namespace, resourceVersion: rv } = object.metadata as Required<V1ObjectMeta>;
  const tombstone = state.tombstones[kind][tombstoneKey(namespace, uid)];
  if (tombstone !== undefined && !isNewer(rv, tombstone)) return;
  if (coveredByRelist(state, kind, namespace, uid, rv)) return;
  const known = objects[uid]?.metadata?.resourceVersion;
  if (known !== undefined && !isNewer(rv, known)) return;
  delete state.tombstones[kind][tombstoneKey(namespace, uid)];
  objects[uid] = object;
}

function forget<T extends Observed>(state: ClusterState, kind: ObjectKind, objects: Record<string, T>, ref: E.ObjectRef, time: string): void {
  const known = objects[ref.uid]?.metadata?.resourceVersion;
  if (known !== undefined && isNewer(known, ref.resourceVersion)) return; // a stale delete of an object seen later
  delete objects[ref.uid];
  const floor = floorAtOrAbove(state, kind, ref.namespace, ref.resourceVersion);
  if (floor) {
    floor.gone[ref.uid] ??= time; // the floor says it from now on, as it says it of the tombstones it retired
    return;
  }
  const key = tombstoneKey(ref.namespace, ref.uid);
  const tombstone = state.tombstones[kind][key];
  if (tombstone === undefined || isNewer(ref.resourceVersion, tombstone)) state.tombstones[kind][key] = ref.resourceVersion;
}

/** A pod of this name existed: a create intent for it is fulfilled even if the pod is gone by the next decision. */
function podNameGone(state: ClusterState, namespace: string | undefined, name: string, time: string): void {
  const key = `${namespace ?? ''}/${name}`;
  const known = state.podNamesGone[key];
  if (known === undefined || known < time) state.podNamesGone[key] = time;
}

/** No intent waits longer than INTENT_TIMEOUT_MS: older names need not be remembered. */
function forgetOldPodNames(state: ClusterState, time: string): void {
  const horizon = Date.parse(time) - INTENT_TIMEOUT_MS;
  for (const [key, seen] of Object.entries(state.podNamesGone)) if (Date.parse(seen) < horizon) delete state.podNamesGone[key];
}

/** Tombstones carry their namespace in the key, so a namespaced relist can retire exactly its own. */
const tombstoneKey = (namespace: string | undefined, uid: string): string => (namespace ? `${namespace}/${uid}` : uid);
/** A namespace never holds a slash; a uid is not relied on to lack one. */
function fromTombstoneKey(kind: ObjectKind, key: string): { namespace?: string; uid: string } {
  const slash = key.indexOf('/');
  return kind === 'Node' ? { uid: key } : { namespace: key.slice(0, slash), uid: key.slice(slash + 1) };
}

/**
 * EventBridge gives up on an event after 24 hours (its maximum event age): a uid gone for longer
 * cannot come back as a stale observation, so a floor forgets it then.
 */
const GONE_RETENTION_MS = 24 * 60 * 60 * 1000;

function relisted(state: ClusterState, event: E.RelistCompleted): void {
  const scope = relistScope(event.kind, event.namespace);
  const pending = (state.pendingRelists[event.relistId] ??= {
    kind: event.kind,
    ...(event.namespace === undefined ? {} : { namespace: event.namespace }),
    resourceVersion: event.resourceVersion,
    time: event.time,
    parts: event.parts,
    received: {},
  });
  pending.received[event.part] = event.presentUids;
  if (Object.keys(pending.received).length < pending.parts) return;
  delete state.pendingRelists[event.relistId];

  const floor = state.relistFloors[scope];
  const restored = floor !== undefined && isNewer(floor.resourceVersion, pending.resourceVersion) && pending.time > floor.time;
  if (floor && !restored && !isNewer(pending.resourceVersion, floor.resourceVersion)) return; // a newer list already said more
  const present = new Set(Object.values(pending.received).flat());
  const listed: RelistFloor = {
    resourceVersion: pending.resourceVersion,
    time: pending.time,
    gone: restored ? {} : recentlyGone(floor, pending.time),
    ...(restored ? { restoredFrom: floor.resourceVersion } : {}),
  };
  state.relistFloors[scope] = listed;
  for (const [id, other] of Object.entries(state.pendingRelists)) {
    if (relistScope(other.kind, other.namespace) === scope && !isNewer(other.resourceVersion, listed.resourceVersion)) delete state.pendingRelists[id];
  }
  const inScope = (namespace: string | undefined) => event.namespace === undefined || namespace === event.namespace;
  const objects: Record<string, Observed> = objectsOf(state, event.kind);
  for (const [uid, object] of Object.entries(objects)) {
    const m = object.metadata!;
    if (!inScope(m.namespace)) continue;
    const newer = isNewer(m.resourceVersion!, listed.resourceVersion);
    if (present.has(uid)) {
      // After a restore the cluster counts again from below what we hold: its next version must win.
      if (restored && newer) objects[uid] = { ...object, metadata: { ...m, resourceVersion: RESTORED_RESOURCE_VERSION } };
      continue;
    }
    if (newer && !restored) continue; // changed after the list was taken
    delete objects[uid];
    listed.gone[uid] = pending.time;
    if (event.kind === 'Pod') podNameGone(state, m.namespace, m.name!, pending.time);
  }
  if (event.kind === 'Pod') forgetOldPodNames(state, pending.time);
  // The floor now says what these tombstones said; a restore voids those of the abandoned history.
  const tombstones = state.tombstones[event.kind];
  for (const [key, rv] of Object.entries(tombstones)) {
    const { namespace, uid } = fromTombstoneKey(event.kind, key);
    if (!inScope(namespace) || present.has(uid)) continue;
    if (restored) delete tombstones[key];
    else if (!isNewer(rv, listed.resourceVersion)) {
      delete tombstones[key];
      listed.gone[uid] = pending.time;
    }
  }
}

/** Below every real resourceVersion (positive integers): any observation after a restore is newer. */
const RESTORED_RESOURCE_VERSION = '0';

/** What the previous floor knew gone, less what is too old to come back. */
function recentlyGone(floor: RelistFloor | undefined, time: string): Record<string, string> {
  const horizon = Date.parse(time) - GONE_RETENTION_MS;
  const gone: Record<string, string> = {};
  for (const [uid, since] of Object.entries(floor?.gone ?? {})) if (Date.parse(since) >= horizon) gone[uid] = since;
  return gone;
}

/**
 * A floor rejects a stale observation only of a uid it knows gone: one it removed, one whose
 * tombstone it retired, one deleted at or below it. A uid it never saw is taken whatever its
 * resourceVersion — an unchanged pod that becomes a daemon pod later (a new selector, re-adoption
 * after an orphaning delete) is sent with its old resourceVersion and must not be dropped.
 */
function coveredByRelist(state: ClusterState, kind: ObjectKind, namespace: string | undefined, uid: string, rv: string): boolean {
  const covers = (floor: RelistFloor | undefined) =>
    floor !== undefined && floor.gone[uid] !== undefined && compareResourceVersions(rv, floor.resourceVersion) <= 0;
  return covers(state.relistFloors[relistScope(kind)]) || (namespace !== undefined && covers(state.relistFloors[relistScope(kind, namespace)]));
}

/** The most specific floor of the object's scope at or above `rv`, if any. */
function floorAtOrAbove(state: ClusterState, kind: ObjectKind, namespace: string | undefined, rv: string): RelistFloor | undefined {
  const at = (floor: RelistFloor | undefined) => (floor !== undefined && compareResourceVersions(rv, floor.resourceVersion) <= 0 ? floor : undefined);
  return (namespace !== undefined ? at(state.relistFloors[relistScope(kind, namespace)]) : undefined) ?? at(state.relistFloors[relistScope(kind)]);
}

function objectsOf(state: ClusterState, kind: ObjectKind): Record<string, Observed> {
  return kind === 'Node' ? state.nodes : kind === 'Pod' ? state.pods : state.daemonSets;
}

// ── decisions ────────────────────────────────────────────────────────────────
/**
 * The controller state a decision event belongs to, from its decisionId (`<DaemonSet stream id>@<commit>`)
 * or its DaemonSet stream id. A ReconcileDecided for a new uid starts a new incarnation.
 */
function controllerOf(state: ClusterState, decisionIdOrStream: string, daemonSetUid?: string): ControllerState {
  const key = parseDaemonSetStreamId(decisionIdOrStream.split('@')[0]!);
  const id = controllerKey(key.namespace, key.name);
  const known = state.controllers[id];
  if (known && (daemonSetUid === undefined || known.daemonSetUid === daemonSetUid)) return known;
  return (state.controllers[id] = emptyControllerState(daemonSetUid ?? known?.daemonSetUid ?? ''));
}

// Intents: the pod creates and deletes a decision requested and the cluster has not yet shown
// (upstream's expectations). While one is open the view shows its effect, so the same decision is
// never taken twice; it closes when observed, when its request failed or was already done, or
// after ExpectationsTimeout.
import type { V1Pod } from '@kubernetes/client-node';
import type { ControllerState, PendingCreate, PendingDelete } from './cluster-state';

/** Upstream ExpectationsTimeout: after this an unobserved intent is presumed lost. */
export const INTENT_TIMEOUT_MS = 5 * 60 * 1000;

export interface SettledIntents {
  creates: string[]; // pod names
  deletes: string[];
}

export interface OpenIntents {
  creates: PendingCreate[];
  deletes: PendingDelete[];
  /** Intents the observations fulfil: the next decision records them, and the fold closes them. */
  settled: SettledIntents;
}

/**
 * The uid the view gives a requested pod the API has not shown yet. A decision may delete such a
 * pod (a rolling update replaces an old pod that is not available yet): that delete waits until
 * the create is observed, and until then the pod shows as terminating — it may exist already.
 */
export const requestedPodUid = (decisionId: string, podName: string): string => `${REQUESTED_UID_PREFIX}${decisionId}:${podName}`;
const REQUESTED_UID_PREFIX = 'intent:';
export const isRequestedPodUid = (uid: string): boolean => uid.startsWith(REQUESTED_UID_PREFIX);

const expired = (requestedAt: string, nowMs: number): boolean => Date.parse(requestedAt) + INTENT_TIMEOUT_MS <= nowMs;

/**
 * Splits a DaemonSet's intents at `now`. A create is fulfilled once a pod of its name was seen —
 * it exists, or was seen deleted (`namesGone`, `<namespace>/<name>`): the namer never picks a name
 * the fold knows, so any later pod of that name is the one asked for. A delete is fulfilled once
 * its pod (by uid) is gone or terminating. `podsByName` holds the namespace's pods.
 */
export function openIntents(
  controller: ControllerState,
  podsByName: ReadonlyMap<string, V1Pod>,
  pods: Readonly<Record<string, V1Pod>>,
  now: Date,
  namesGone: Readonly<Record<string, string>> = {},
): OpenIntents {
  const nowMs = now.getTime();
  const open: OpenIntents = { creates: [], deletes: [], settled: { creates: [], deletes: [] } };
  for (const intent of sortedValues(controller.creates)) {
    if (podsByName.has(intent.podName) || namesGone[`${intent.namespace}/${intent.podName}`] !== undefined) open.settled.creates.push(intent.podName);
    else if (!expired(intent.requestedAt, nowMs)) open.creates.push(intent);
  }
  for (const intent of sortedValues(controller.deletes)) {
    if (isRequestedPodUid(intent.podUid) && open.creates.some((c) => c.podName === intent.podName)) {
      open.deletes.push(intent); // the pod may already run: it terminates once observed and deleted for real
      continue;
    }
    const pod = pods[intent.podUid];
    if (pod === undefined || pod.metadata?.deletionTimestamp) open.settled.deletes.push(intent.podName);
    else if (!expired(intent.requestedAt, nowMs)) open.deletes.push(intent);
  }
  return open;
}

/** Closes the intents a decision saw fulfilled. */
export function settleIntents(controller: ControllerState, settled: SettledIntents | undefined): void {
  for (const name of settled?.creates ?? []) delete controller.creates[name];
  for (const name of settled?.deletes ?? []) delete controller.deletes[name];
}

/** Drops intents older than the timeout at `time` (an event's time), so the state stays bounded. */
export function expireIntents(controller: ControllerState, time: string): void {
  const at = Date.parse(time);
  for (const [name, intent] of Object.entries(controller.creates)) if (expired(intent.requestedAt, at)) delete controller.creates[name];
  for (const [name, intent] of Object.entries(controller.deletes)) if (expired(intent.requestedAt, at)) delete controller.deletes[name];
}

const sortedValues = <T>(record: Record<string, T>): T[] =>
  Object.keys(record)
    .sort()
    .map((k) => record[k]!);

// What one DaemonSet's reconcile sees: its DaemonSet, every node, the pods it owns or selects, its
// revisions and backoff — with open intents applied. Linear in nodes + pods.
//
// Intents in the view (upstream's expectations, made visible instead of blocking the sync):
// - a pending create shows as the pod it asked for, unbound on its node (target-node affinity,
//   the template's labels with its revision hash, no conditions, created at the request's time),
//   so the next decision counts the node as served and does not create again;
// - a pending delete shows its pod as what the delete makes it: terminating since the request
//   (deletionTimestamp = requestedAt). The pod may run for its whole grace period, so the next
//   decision must not treat its node as empty: without surge it waits until the pod is gone
//   (upstream's TestDaemonSetRespectsTermination); with surge it may start the replacement beside
//   it, as upstream does when every pod on a node is terminating. A terminal (Failed/Succeeded)
//   pod being deleted is left out by podsByNode, as upstream leaves it out.
import type { V1DaemonSet, V1Node, V1Pod } from '@kubernetes/client-node';
import { controllerKey, type ClusterState, type ControllerState, type PendingCreate } from './cluster-state';
import { newDaemonPod } from './index';
import { openIntents, requestedPodUid, type SettledIntents } from './intents';
import { compileLabelSelector } from './label-selector';
import { isNewer } from './resource-version';
import type { DaemonSetKey } from './streams';
import type { ReconcileInput } from './types';

export interface DecisionView {
  input: ReconcileInput;
  /** Intents the state shows fulfilled: recorded with the next decision (InputMarks.settledIntents). */
  settledIntents: SettledIntents;
}

export function reconcileInput(state: ClusterState, key: DaemonSetKey, now: Date): ReconcileInput | undefined {
  return decisionView(state, key, now)?.input;
}

/** The view, or undefined when the DaemonSet is unknown or deleted. */
export function decisionView(state: ClusterState, key: DaemonSetKey, now: Date): DecisionView | undefined {
  const daemonSet = findDaemonSet(state, key);
  if (!daemonSet) return undefined;
  const uid = daemonSet.metadata!.uid!;
  const known = state.controllers[controllerKey(key.namespace, key.name)];
  const controller = known?.daemonSetUid === uid ? known : undefined; // a deleted namesake's bookkeeping is not ours

  const selects = compileLabelSelector(daemonSet.spec?.selector);
  const podsByName = new Map<string, V1Pod>();
  const candidates: V1Pod[] = [];
  for (const pod of Object.values(state.pods)) {
    const m = pod.metadata!;
    if (m.namespace !== key.namespace) continue;
    podsByName.set(m.name!, pod);
    const owned = m.ownerReferences?.some((r) => r.controller === true && r.uid === uid) ?? false;
    if (owned || selects(m.labels)) candidates.push(pod);
  }

  const intents = controller ? openIntents(controller, podsByName, state.pods, now, state.podNamesGone) : undefined;
  const deleting = new Map(intents?.deletes.map((d) => [d.podUid, d.requestedAt]));
  const asDeleted = (pod: V1Pod): V1Pod => {
    const requestedAt = deleting.get(pod.metadata!.uid!);
    return requestedAt === undefined ? pod : { ...pod, metadata: { ...pod.metadata, deletionTimestamp: new Date(requestedAt) } };
  };
  const pods = candidates.map(asDeleted);
  for (const create of intents?.creates ?? []) pods.push(asDeleted(requestedPod(daemonSet, controller!, create)));

  const input: ReconcileInput = {
    daemonSet,
    nodes: newestNodePerName(state),
    pods,
    now,
    revisions: controller?.revisions ?? [],
    failedPodBackoff: controller?.failedPodBackoff ?? {},
    takenPodNames: takenPodNames(state, key.namespace, podsByName, controller),
  };
  return { input, settledIntents: intents?.settled ?? { creates: [], deletes: [] } };
}

/**
 * Names a new pod must not get: every pod the fold holds in the namespace (selected or not),
 * every one seen deleted lately, and every one the API said another pod holds. A pod name that
 * answers 409 for someone else's pod would otherwise be asked for again and again.
 */
function takenPodNames(state: ClusterState, namespace: string, podsByName: ReadonlyMap<string, V1Pod>, controller: ControllerState | undefined): string[] {
  const names = new Set(podsByName.keys());
  const prefix = `${namespace}/`;
  for (const key of Object.keys(state.podNamesGone)) if (key.startsWith(prefix)) names.add(key.slice(prefix.length));
  for (const name of Object.keys(controller?.takenPodNames ?? {})) names.add(name);
  return [...names].sort();
}

/**
 * One node per name: after a missed delete the fold may hold a deleted node beside its recreated
 * namesake, and the recreated one has the newer resourceVersion (reconcile would take the first).
 */
function newestNodePerName(state: ClusterState): V1Node[] {
  const byName = new Map<string, V1Node>();
  for (const node of Object.values(state.nodes)) {
    const name = node.metadata!.name!;
    const known = byName.get(name);
    if (!known || isNewer(node.metadata!.resourceVersion!, known.metadata!.resourceVersion!)) byName.set(name, node);
  }
  return [...byName.values()];
}

/** The live DaemonSet of that name; a deleted and recreated one is known by its newer resourceVersion. */
function findDaemonSet(state: ClusterState, key: DaemonSetKey): V1DaemonSet | undefined {
  let found: V1DaemonSet | undefined;
  for (const ds of Object.values(state.daemonSets)) {
    const m = ds.metadata!;
    if (m.namespace !== key.namespace || m.name !== key.name) continue;
    if (!found || isNewer(m.resourceVersion!, found.metadata!.resourceVersion!)) found = ds;
  }
  return found;
}

/** The pod a pending create asked for, as the API will show it before the scheduler binds it. */
function requestedPod(ds: V1DaemonSet, controller: ControllerState, intent: PendingCreate): V1Pod {
  const template = controller.revisions.find((r) => r.hash === intent.hash)?.template ?? ds.spec!.template;
  const pod = newDaemonPod({ ...ds, spec: { ...ds.spec!, template } }, intent.nodeName, intent.hash, undefined, intent.podName);
  pod.metadata!.uid = requestedPodUid(intent.decisionId, intent.podName); // no API uid yet; unique and stable
  pod.metadata!.creationTimestamp = new Date(intent.requestedAt);
  pod.status = { phase: 'Pending' };
  return pod;
}

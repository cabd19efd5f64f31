// Applies one reconcile decision to the cluster as upstream's sync does: first the ownership
// changes (ClaimPods runs before manage), then as syncNodes does, creates in slow-start batches
// (1, 2, 4, … concurrently within a batch, stopping after the first batch with a failure, so a
// failing create does not hammer the API server), then all deletes concurrently — except of a pod
// the decision meant to adopt and could not (another controller took it: not ours to delete).
// Every action yields an outcome, including those never attempted; then the Events upstream would
// record on the DaemonSet (best effort: a lost event costs nothing).
import { controllerRef } from '../../../domain/daemon-pod';
import { isRequestedPodUid } from '../../../domain/intents';
import type { ReconcileInput, ReconcileResult } from '../../../domain/types';
import type { ActionResult, ClusterApi } from './cluster-api';
import type { V1DaemonSetStatus } from '@kubernetes/client-node';
import { daemonSetEvents, rolloutEvents } from './daemon-set-events';

export interface Outcome extends ActionResult {
  action: 'create' | 'delete' | 'adopt' | 'release';
  podName: string;
  nodeName?: string;
}

/** Upstream's SlowStartInitialBatchSize. */
const SLOW_START_INITIAL_BATCH_SIZE = 1;

const NOT_ATTEMPTED: ActionResult = { outcome: 'failed', reason: 'not attempted: an earlier create batch failed (slow start)', retryable: true };

/**
 * `input` is what the decision was made on: the DaemonSet (the owner to adopt for) and the pods
 * (their uids, for delete preconditions). `previousStatus`, where given, is the status the stream's
 * previous decision decided: the rollout's transitions since then are told as events.
 */
export async function applyDecision(
  api: ClusterApi,
  namespace: string,
  result: ReconcileResult,
  input: Pick<ReconcileInput, 'daemonSet' | 'pods'>,
  previousStatus?: { status: V1DaemonSetStatus | undefined },
): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  const uidOf = new Map(input.pods.map((p) => [p.metadata?.name, p.metadata?.uid]));

  const owner = controllerRef(input.daemonSet);
  const notAdopted = new Set<string>();
  for (const a of result.adopt) {
    const r = await api.adoptPod(namespace, a.podName, a.podUid, owner);
    if (r.outcome === 'failed') notAdopted.add(a.podName);
    outcomes.push({ action: 'adopt', podName: a.podName, ...r });
  }
  for (const r of result.release)
    outcomes.push({ action: 'release', podName: r.podName, ...(await api.releasePod(namespace, r.podName, r.podUid, owner.uid)) });

  let next = 0;
  for (let size = SLOW_START_INITIAL_BATCH_SIZE; next < result.create.length; size *= 2) {
    const batch = result.create.slice(next, next + size);
    next += batch.length;
    const results = await Promise.all(batch.map((c) => api.createPod(namespace, c.pod)));
    results.forEach((r, i) => outcomes.push({ action: 'create', podName: batch[i]!.pod.metadata?.name ?? '', nodeName: batch[i]!.nodeName, ...r }));
    if (results.some((r) => r.outcome === 'failed')) break;
  }
  for (const c of result.create.slice(next)) outcomes.push({ action: 'create', podName: c.pod.metadata?.name ?? '', nodeName: c.nodeName, ...NOT_ATTEMPTED });

  const deletes = await Promise.all(
    result.delete.map(async (d): Promise<Outcome> => {
      const uid = uidOf.get(d.podName);
      const r: ActionResult = notAdopted.has(d.podName)
        ? { outcome: 'failed', reason: `not adopted, so not deleted: pod ${d.podName} may be another controller's`, retryable: true }
        : uid && isRequestedPodUid(uid)
          ? { outcome: 'failed', reason: `pod ${d.podName} is requested but not yet observed: deleted once it is`, retryable: false }
          : uid
            ? await api.deletePod(namespace, d.podName, uid)
            : { outcome: 'failed', reason: `pod ${d.podName} is not among the pods the decision saw`, retryable: false };
      return { action: 'delete', podName: d.podName, ...(d.nodeName ? { nodeName: d.nodeName } : {}), ...r };
    }),
  );
  outcomes.push(...deletes);

  const events = [...daemonSetEvents(namespace, result, outcomes), ...(previousStatus ? rolloutEvents(previousStatus.status, result.status) : [])];
  if (events.length > 0) {
    const ds = input.daemonSet;
    await api.recordEvents(
      {
        apiVersion: ds.apiVersion,
        kind: ds.kind ?? 'DaemonSet',
        namespace,
        name: ds.metadata?.name,
        uid: ds.metadata?.uid,
        resourceVersion: ds.metadata?.resourceVersion,
      },
      events,
    );
  }
  return outcomes;
}

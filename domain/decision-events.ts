// One reconcile's result as the events of one commit: the decision with the marks of what it saw,
// an intent per pod create or delete, the revision it first used, and its wake-up. Small by design:
// a create stores name, node and hash, never the manifest (a pure function of DaemonSet, node and revision).
import type { V1DaemonSet } from '@kubernetes/client-node';
import * as E from './events';
import { CONTROLLER_REVISION_HASH_LABEL, currentRevision, validateDaemonSet, withDefaults } from './index';
import { revisionsToDelete } from './revisions';
import { WAIT_BACKOFF, WAIT_MIN_READY } from './waits';
import { daemonSetStreamId, type DaemonSetKey } from './streams';
import type { ReconcileInput, ReconcileResult, Revision } from './types';

export interface Decided {
  key: DaemonSetKey;
  commit: number; // the commit this decision will be: the DaemonSet stream's last commit + 1
  input: ReconcileInput; // what reconcile was given; its `now` is the decision's time
  result: ReconcileResult;
  marks: InputMarks;
}
type InputMarks = E.InputMarks;

/** `<DaemonSet stream id>@<commit>`: unique, and the same on every retry of that commit. */
export const decisionIdOf = (key: DaemonSetKey, commit: number): string => `${daemonSetStreamId(key)}@${commit}`;

export function decisionEvents({ key, commit, input, result, marks }: Decided): E.Decision[] {
  const decisionId = decisionIdOf(key, commit);
  const ds = input.daemonSet;
  const base = { clusterId: key.clusterId, schemaVersion: E.EVENT_SCHEMA_VERSION, time: input.now.toISOString() };
  const revision = decidedRevision(ds, input.revisions ?? []);
  const podUids = new Map(input.pods.map((p) => [p.metadata?.name, p.metadata?.uid]));

  const events: E.Decision[] = [
    {
      ...base,
      type: E.RECONCILE_DECIDED,
      decisionId,
      daemonSetUid: ds.metadata!.uid!,
      inputs: marks,
      creates: result.create.length,
      deletes: result.delete.length,
      status: result.status,
      waits: result.waits,
      ...(result.requeueAfterSeconds === undefined ? {} : { requeueAfterSeconds: result.requeueAfterSeconds }),
      failedPodBackoff: result.failedPodBackoff,
      currentHash: revision.hash,
    },
  ];
  if (revision.isNew) {
    events.push({ ...base, type: E.REVISION_RECORDED, decisionId, revision: revision.revision, hash: revision.hash, template: revision.template });
  }
  const pruned = revision.runs ? revisionsToDelete(withDefaults(ds), historyAfter(input.revisions ?? [], revision), revision.hash, input.pods) : [];
  if (pruned.length > 0) events.push({ ...base, type: E.REVISIONS_PRUNED, decisionId, hashes: pruned.map((r) => r.hash) });
  for (const { nodeName, pod } of result.create) {
    events.push({
      ...base,
      type: E.POD_CREATE_REQUESTED,
      decisionId,
      namespace: key.namespace,
      podName: pod.metadata!.name!,
      nodeName,
      hash: pod.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? revision.hash,
    });
  }
  for (const { podName, nodeName, reason } of result.delete) {
    const podUid = podUids.get(podName);
    if (podUid === undefined) throw new Error(`decision ${decisionId} deletes pod ${podName}, which its input does not hold`);
    events.push({ ...base, type: E.POD_DELETE_REQUESTED, decisionId, namespace: key.namespace, podName, podUid, ...(nodeName ? { nodeName } : {}), reason });
  }
  if (result.requeueAfterSeconds !== undefined) {
    const dueAt = new Date(input.now.getTime() + result.requeueAfterSeconds * 1000).toISOString();
    events.push({ ...base, type: E.TIMER_SCHEDULED, decisionId, dueAt, reason: timerReason(result) });
  }
  return events;
}

/** The wait that asked for the wake-up: a minReadySeconds gate or a failed-pod backoff. */
export function timerReason(result: ReconcileResult): string {
  const gate = result.waits.find((w) => w.reason.startsWith(WAIT_MIN_READY) || w.reason.startsWith(WAIT_BACKOFF));
  return gate ? `${gate.nodeName ? `${gate.nodeName}: ` : ''}${gate.reason}` : `requeue after ${result.requeueAfterSeconds}s`;
}

/**
 * The revision reconcile ran (it defaults the DaemonSet, then takes currentRevision), and whether
 * the log lacks it — a new template, or an old one made current again under a higher number. A
 * DaemonSet being deleted or with an invalid spec runs nothing, so records nothing.
 */
/** The history once this decision's revision is recorded (by hash, as the fold keeps it). */
const historyAfter = (known: Revision[], current: Revision): Revision[] => [...known.filter((r) => r.hash !== current.hash), current];

function decidedRevision(ds: V1DaemonSet, known: Revision[]): Revision & { isNew: boolean; runs: boolean } {
  const defaulted = withDefaults(ds);
  const { hash, revision, template } = currentRevision(defaulted, known);
  const runs = ds.metadata?.deletionTimestamp == null && validateDaemonSet(defaulted).length === 0;
  const isNew = runs && !known.some((r) => r.hash === hash && r.revision === revision);
  return { hash, revision, template, isNew, runs };
}

// What the controller knew at a moment: each stream folded up to its last commit at or before that
// time, merged as rebuild() merges them, and viewed as a decision would have seen it then — plus
// the last decision taken by then (its waits, revision and status).
import { emptyClusterState, mergeStates, type ClusterState } from '../../domain/cluster-state';
import * as E from '../../domain/events';
import { fold } from '../../domain/evolve';
import { decisionView } from '../../domain/view';
import type { ReconcileInput } from '../../domain/types';
import type { Commit } from '../adapters/event-store/port';
import { ms, type AuditLog } from './audit-log';

export interface PointInTime {
  at: string;
  /** The last commit of each stream folded. */
  commits: { daemonSet: number; nodes: number; pods: number };
  state: ClusterState;
  /** The view a decision at `at` would have seen; undefined when the DaemonSet did not exist then. */
  input?: ReconcileInput;
  lastDecision?: E.ReconcileDecided;
  revision?: { revision: number; hash: string };
}

export function pointInTime(log: AuditLog, atMs: number): PointInTime {
  const upTo = (commits: Commit[]) => {
    const state = emptyClusterState();
    let last = 0;
    for (const c of commits) {
      if (ms(c.time) > atMs) break;
      fold(c.events, state);
      last = c.commit;
    }
    return { state, last };
  };
  const nodes = upTo(log.nodes),
    pods = upTo(log.pods),
    ds = upTo(log.daemonSet);
  const state = mergeStates([nodes.state, pods.state, ds.state]);
  let lastDecision: E.ReconcileDecided | undefined;
  let revision: PointInTime['revision'];
  for (const c of log.daemonSet.slice(0, ds.last)) {
    for (const e of c.events) if (e.type === E.RECONCILE_DECIDED) lastDecision = e;
  }
  const controller = Object.values(state.controllers).find((c) => c.lastDecision?.currentHash === lastDecision?.currentHash);
  const current = controller?.revisions.find((r) => r.hash === lastDecision?.currentHash);
  if (current) revision = { revision: current.revision, hash: current.hash };
  const at = new Date(atMs);
  const view = decisionView(state, log.key, at);
  return {
    at: at.toISOString(),
    commits: { daemonSet: ds.last, nodes: nodes.last, pods: pods.last },
    state,
    ...(view ? { input: view.input } : {}),
    ...(lastDecision ? { lastDecision } : {}),
    ...(revision ? { revision } : {}),
  };
}

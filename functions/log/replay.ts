// Replay: every recorded decision of one DaemonSet, decided again from the log and compared with
// what was recorded. Each decision's input is rebuilt as rebuild() built it — every input stream
// folded from its first commit up to the mark the decision recorded, merged, viewed at the
// decision's time — never from a snapshot (a snapshot holds only the latest state). Marks only
// grow from one decision to the next, so each stream is read once, forward: linear in history.
import type { V1DaemonSetStatus } from '@kubernetes/client-node';
import { reconcile } from '../../domain';
import { rolloutOf } from '../../domain/rollout-control/rollout-status';
import { emptyClusterState, mergeStates, type ClusterState } from '../../domain/cluster-state';
import { decisionEvents } from '../../domain/decision-events';
import * as E from '../../domain/events';
import { fold } from '../../domain/evolve';
import { daemonSetStreamId, type DaemonSetKey } from '../../domain/streams';
import { decisionView } from '../../domain/view';
import type { Commit } from '../adapters/event-store/port';

export type ReadStream = (streamId: string, fromCommit?: number) => AsyncIterable<Commit>;

export interface Mismatch {
  commit: number; // the decision's commit in the DaemonSet stream
  decisionId: string;
  time: string;
  /** One line per field that differs: `creates: recorded only node-5/agent-x; replayed only …`. */
  differences: string[];
}

export interface ReplayReport {
  decisions: number;
  mismatches: Mismatch[];
}

/** The status counters a decision records (what `kubectl get ds` shows, and observedGeneration). */
const STATUS_COUNTERS = [
  'desiredNumberScheduled',
  'currentNumberScheduled',
  'numberMisscheduled',
  'numberReady',
  'updatedNumberScheduled',
  'numberAvailable',
  'numberUnavailable',
  'observedGeneration',
] as const;

export async function replayDecisions(read: ReadStream, key: DaemonSetKey): Promise<ReplayReport> {
  const ownStream = daemonSetStreamId(key);
  const inputs = new Map<string, StreamCursor>();
  const own = emptyClusterState(); // the DaemonSet stream, folded up to the commit before the one at hand
  const report: ReplayReport = { decisions: 0, mismatches: [] };
  let previous = 0;
  for await (const commit of read(ownStream)) {
    if (commit.commit !== previous + 1) throw new Error(`stream ${ownStream}: commit ${commit.commit} follows ${previous}, a gap in the log`);
    previous = commit.commit;
    const decided = commit.events.find((e): e is E.ReconcileDecided => e.type === E.RECONCILE_DECIDED);
    if (decided) {
      report.decisions++;
      const differences = await replayOne(key, commit, decided, own, ownStream, inputs, read);
      if (differences.length > 0) report.mismatches.push({ commit: commit.commit, decisionId: decided.decisionId, time: decided.time, differences });
    }
    fold(commit.events, own);
  }
  return report;
}

async function replayOne(
  key: DaemonSetKey,
  commit: Commit,
  recorded: E.ReconcileDecided,
  own: ClusterState,
  ownStream: string,
  inputs: Map<string, StreamCursor>,
  read: ReadStream,
): Promise<string[]> {
  const differences: string[] = [];
  const marks = recorded.inputs.streams;
  if (marks[ownStream] !== commit.commit - 1)
    differences.push(`inputs: recorded ${ownStream} at ${marks[ownStream]}, but the decision is commit ${commit.commit}`);
  const parts: ClusterState[] = [];
  for (const [stream, mark] of Object.entries(marks)) {
    if (stream === ownStream) continue;
    const cursor = inputs.get(stream) ?? new StreamCursor(stream, read);
    inputs.set(stream, cursor);
    parts.push(await cursor.foldTo(mark));
  }
  const now = new Date(recorded.time);
  const view = decisionView(mergeStates([...parts, own]), key, now); // rebuild's order: nodes, pods, then the DaemonSet
  if (!view) return [...differences, 'daemonSet: the replayed input holds no live DaemonSet of that name'];
  const allowance = recorded.inputs.disruptionAllowance;
  const input = { ...view.input, now, ...(allowance !== undefined ? { disruptionAllowance: allowance } : {}) };
  const replayed = decisionEvents({ key, commit: commit.commit, input, result: reconcile(input), marks: recorded.inputs });
  const replayedDecision = replayed[0] as E.ReconcileDecided;

  const creates = (events: E.LogEvent[]) => events.flatMap((e) => (e.type === E.POD_CREATE_REQUESTED ? [`${e.nodeName}/${e.podName}`] : []));
  const deletes = (events: E.LogEvent[]) => events.flatMap((e) => (e.type === E.POD_DELETE_REQUESTED ? [e.podName] : []));
  differences.push(...setDifference('creates', creates(commit.events), creates(replayed)));
  differences.push(...setDifference('deletes', deletes(commit.events), deletes(replayed)));
  for (const counter of STATUS_COUNTERS) {
    const [was, is] = [recorded.status[counter], replayedDecision.status[counter]];
    if (was !== is) differences.push(`status.${counter}: recorded ${was}, replayed ${is}`);
  }
  differences.push(...rolloutDifferences(recorded.status, replayedDecision.status));
  if (recorded.requeueAfterSeconds !== replayedDecision.requeueAfterSeconds) {
    differences.push(`requeueAfterSeconds: recorded ${recorded.requeueAfterSeconds ?? 'none'}, replayed ${replayedDecision.requeueAfterSeconds ?? 'none'}`);
  }
  differences.push(...waitsDifference(recorded.waits, replayedDecision.waits));
  if (recorded.currentHash !== replayedDecision.currentHash)
    differences.push(`currentHash: recorded ${recorded.currentHash}, replayed ${replayedDecision.currentHash}`);
  const settled = recorded.inputs.settledIntents ?? { creates: [], deletes: [] };
  differences.push(...setDifference('settled creates', settled.creates, view.settledIntents.creates));
  differences.push(...setDifference('settled deletes', settled.deletes, view.settledIntents.deletes));
  return differences;
}

/**
 * Rollout control's part of a status: each condition's status and reason, and where the rollout
 * stands (wave, phase, soak end, deadline clock, failure-budget stop) — what `history` reports as
 * pauses, resumes, wave starts and finishes, deadline breaches and stops.
 */
function rolloutDifferences(recorded: V1DaemonSetStatus, replayed: V1DaemonSetStatus): string[] {
  const differences: string[] = [];
  const conditions = (s: V1DaemonSetStatus) => Object.fromEntries((s.conditions ?? []).map((c) => [c.type, `${c.status}/${c.reason ?? ''}`]));
  const [was, is] = [conditions(recorded), conditions(replayed)];
  for (const type of new Set([...Object.keys(was), ...Object.keys(is)])) {
    if (was[type] !== is[type]) differences.push(`status.conditions[${type}]: recorded ${was[type] ?? 'none'}, replayed ${is[type] ?? 'none'}`);
  }
  const [a, b] = [rolloutOf(recorded), rolloutOf(replayed)];
  for (const field of ['updateRevision', 'currentWave', 'phase', 'soakUntil', 'progressedAt'] as const) {
    if (a?.[field] !== b?.[field]) differences.push(`status.rollout.${field}: recorded ${a?.[field] ?? 'none'}, replayed ${b?.[field] ?? 'none'}`);
  }
  if (a?.stopped?.message !== b?.stopped?.message)
    differences.push(`status.rollout.stopped: recorded ${a?.stopped?.message ?? 'none'}, replayed ${b?.stopped?.message ?? 'none'}`);
  return differences;
}

/** One input stream folded forward on demand; a mark below what it folded (never seen so far) starts it over. */
class StreamCursor {
  private state = emptyClusterState();
  private commit = 0;
  private commits: AsyncIterator<Commit> | undefined;

  constructor(
    private readonly streamId: string,
    private readonly read: ReadStream,
  ) {}

  async foldTo(mark: number): Promise<ClusterState> {
    if (mark < this.commit) {
      this.state = emptyClusterState();
      this.commit = 0;
      this.commits = undefined;
    }
    this.commits ??= this.read(this.streamId)[Symbol.asyncIterator]();
    while (this.commit < mark) {
      const next = await this.commits.next();
      if (next.done) throw new Error(`stream ${this.streamId} ends at commit ${this.commit}, but a decision saw it at ${mark}`);
      if (next.value.commit !== this.commit + 1)
        throw new Error(`stream ${this.streamId}: commit ${next.value.commit} follows ${this.commit}, a gap in the log`);
      fold(next.value.events, this.state);
      this.commit = next.value.commit;
    }
    return this.state;
  }
}

function setDifference(field: string, recorded: string[], replayed: string[]): string[] {
  const [was, is] = [new Set(recorded), new Set(replayed)];
  const onlyRecorded = recorded.filter((x) => !is.has(x));
  const onlyReplayed = replayed.filter((x) => !was.has(x));
  if (onlyRecorded.length === 0 && onlyReplayed.length === 0) return [];
  const list = (xs: string[]) => (xs.length === 0 ? 'none' : summarise(xs));
  return [`${field}: recorded only ${list(onlyRecorded)}; replayed only ${list(onlyReplayed)}`];
}

/** Waits that differ, grouped by reason: `recorded only <reason> on node-3, node-4; replayed only …`. */
function waitsDifference(recorded: E.ReconcileDecided['waits'], replayed: E.ReconcileDecided['waits']): string[] {
  const key = (w: E.ReconcileDecided['waits'][number]) => `${w.nodeName ?? ''}\0${w.reason}`;
  const [was, is] = [new Set(recorded.map(key)), new Set(replayed.map(key))];
  const byReason = (ws: E.ReconcileDecided['waits']) => {
    const groups = new Map<string, string[]>();
    for (const w of ws) groups.set(w.reason, [...(groups.get(w.reason) ?? []), ...(w.nodeName ? [w.nodeName] : [])]);
    return ws.length === 0 ? 'none' : [...groups].map(([reason, nodes]) => (nodes.length > 0 ? `${reason} on ${summarise(nodes)}` : reason)).join('; ');
  };
  const onlyRecorded = recorded.filter((w) => !is.has(key(w)));
  const onlyReplayed = replayed.filter((w) => !was.has(key(w)));
  if (onlyRecorded.length === 0 && onlyReplayed.length === 0) return [];
  return [`waits: recorded only ${byReason(onlyRecorded)}; replayed only ${byReason(onlyReplayed)}`];
}

const summarise = (xs: string[], shown = 5): string => (xs.length <= shown ? xs.join(', ') : `${xs.slice(0, shown).join(', ')}, … (${xs.length} in all)`);

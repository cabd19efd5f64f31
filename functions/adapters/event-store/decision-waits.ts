// Where a decision's waits are compacted and restored: the one place, shared by every EventStore.
// On append, a ReconcileDecided is stored as a change against the stream's previous decision
// (domain/waits-change.ts) when this store has read or written that stream up to the expected
// commit, so it holds the previous decision's waits; otherwise, or when the change would not be
// much smaller, or when the last full decision is far behind, the waits are stored in full (a
// keyframe). On read, every ReconcileDecided comes out with its full `waits` and no
// `waitsChange`, so no reader — fold, replay, history, picture, export — sees the stored form. A
// read that starts mid-stream (a fold from a snapshot) and meets a change whose base it has not
// read goes back to the change's keyframe and reads forward from there.
import * as E from '../../../domain/events';
import type { Wait } from '../../../domain/types';
import { applyWaitsSplices, diffWaits } from '../../../domain/waits-change';
import type { Commit } from './port';

/** Commits after a keyframe within which a change may still be written: bounds a cold reader's walk back. */
export const KEYFRAME_EVERY_COMMITS = 200;

interface Last {
  commit: number; // the commit holding the decision
  decisionId: string;
  waits: Wait[];
  keyframe: number; // the commit of the last decision stored in full
}
/** A stream as read or written through `commit`: its last decision then, if any. */
interface Known {
  commit: number;
  last?: Last;
  before?: Last; // the decision before `last`: a fold re-reading the commit just appended starts there
}

/** The stream's last decision as of commit `at`, from what is known through a later commit. */
function knownAt(known: Known | undefined, at: number): Known {
  if (at <= 0) return { commit: 0 };
  if (!known || known.commit < at) return { commit: at };
  if (known.last && known.last.commit <= at) return { commit: at, last: known.last, ...(known.before ? { before: known.before } : {}) };
  if (known.before && known.before.commit <= at) return { commit: at, last: known.before };
  return { commit: at }; // not known: a change met later walks back to its keyframe
}

export class DecisionWaits {
  private readonly known = new Map<string, Known>();

  /** The events to store at `expected + 1`: a decision's waits as a change when its base is known. */
  encode(streamId: string, expected: number, events: readonly E.LogEvent[]): E.LogEvent[] {
    const last = knownAt(this.known.get(streamId), expected).last;
    return events.map((e) => {
      if (e.type !== E.RECONCILE_DECIDED) return e;
      const { waitsChange: _ignored, ...full } = e;
      if (!last || expected + 1 - last.keyframe > KEYFRAME_EVERY_COMMITS) return full;
      const splices = diffWaits(last.waits, e.waits);
      if (2 * JSON.stringify(splices).length > JSON.stringify(e.waits).length) return full; // a change not much smaller: a keyframe
      return { ...full, waits: [], waitsChange: { since: last.decisionId, keyframe: last.keyframe, splices } };
    });
  }

  /** After `stored` (encoded from `full`) was appended as `commit`: the stream is known through it. */
  appended(streamId: string, commit: number, full: readonly E.LogEvent[], stored: readonly E.LogEvent[]): void {
    const known = this.known.get(streamId);
    const decided = full.find((e): e is E.ReconcileDecided => e.type === E.RECONCILE_DECIDED);
    if (decided && (known?.commit ?? 0) < commit) {
      const change = stored.find((e): e is E.ReconcileDecided => e.type === E.RECONCILE_DECIDED)?.waitsChange;
      const before = known?.commit === commit - 1 ? known.last : undefined;
      this.known.set(streamId, {
        commit,
        last: { commit, decisionId: decided.decisionId, waits: decided.waits, keyframe: change?.keyframe ?? commit },
        ...(before ? { before } : {}),
      });
    } else if (known?.commit === commit - 1) {
      this.known.set(streamId, { ...known, commit });
    }
  }

  /** `commits` (a read from `fromCommit`) with every decision's waits in full. `readFrom` reads the raw stream again from a keyframe. */
  async *read(streamId: string, fromCommit: number, commits: AsyncIterable<Commit>, readFrom: (from: number) => AsyncIterable<Commit>): AsyncIterable<Commit> {
    const walk = new Walk(streamId, knownAt(this.known.get(streamId), fromCommit - 1));
    for await (const commit of commits) {
      if (walk.needsBase(commit.events)) await walk.rebase(commit, readFrom);
      const events = walk.materialise(commit.commit, commit.events);
      if (commit.commit > (this.known.get(streamId)?.commit ?? 0)) this.known.set(streamId, walk.state);
      yield { ...commit, events };
    }
  }
}

/** One pass along a stream, holding its last decision. */
class Walk {
  constructor(
    private readonly streamId: string,
    public state: Known,
  ) {}

  /** A change against a decision this walk has not read: it started mid-stream (or the log is corrupt, which materialise reports). */
  needsBase(events: readonly E.LogEvent[]): boolean {
    const change = events.find((e): e is E.ReconcileDecided => e.type === E.RECONCILE_DECIDED && e.waitsChange !== undefined)?.waitsChange;
    return change !== undefined && this.state.last?.decisionId !== change.since;
  }

  /** Reads the stream from the first change's keyframe up to `commit` (exclusive), to know its base. */
  async rebase(commit: Commit, readFrom: (from: number) => AsyncIterable<Commit>): Promise<void> {
    const change = commit.events.find((e): e is E.ReconcileDecided => e.type === E.RECONCILE_DECIDED && e.waitsChange !== undefined)!.waitsChange!;
    const base = new Walk(this.streamId, { commit: change.keyframe - 1 });
    for await (const c of readFrom(change.keyframe)) {
      if (c.commit >= commit.commit) break;
      base.materialise(c.commit, c.events);
    }
    this.state = base.state;
  }

  materialise(commit: number, events: readonly E.LogEvent[]): E.LogEvent[] {
    const out = events.map((e) => {
      if (e.type !== E.RECONCILE_DECIDED) return e;
      const { waitsChange, ...full } = e;
      let waits = e.waits;
      let keyframe = commit;
      if (waitsChange) {
        const last = this.state.last;
        if (last?.decisionId !== waitsChange.since) {
          throw new Error(
            `stream ${this.streamId}: decision ${e.decisionId} (commit ${commit}) stores its waits as a change against ${waitsChange.since}, but the decision before it is ${last?.decisionId ?? 'unknown'}`,
          );
        }
        waits = applyWaitsSplices(last.waits, waitsChange.splices);
        keyframe = waitsChange.keyframe;
      }
      this.state = { commit, last: { commit, decisionId: e.decisionId, waits, keyframe }, ...(this.state.last ? { before: this.state.last } : {}) };
      return { ...full, waits };
    });
    this.state = { ...this.state, commit };
    return out;
  }
}

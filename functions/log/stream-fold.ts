// One stream's folded state: the newest trusted snapshot plus the commits after it, kept warm
// between calls (a warm Lambda folds only what is new). Every `snapshotEvery` commits the fold is
// written back as a snapshot, so a cold rebuild reads at most that many commits — once the tail
// also outweighs the snapshot: a 5,000-pod state is ~600 KB gzipped (600 write units), a commit of
// one pod event one unit, so a snapshot every 100 such commits cost six times the log it saved
// reading (bench/rollout5000.bench.ts). The tail must hold as many events as the state holds
// objects (an event in its commit weighs a few objects in the snapshot); a small state's
// snapshots stay every `snapshotEvery` commits.
import { fromSnapshot, mergeStates, toSnapshot, emptyClusterState, type ClusterState } from '../../domain/cluster-state';
import { fold } from '../../domain/evolve';
import type { EventStore } from '../adapters/event-store/port';

export interface FoldedStream {
  commit: number; // the last commit folded; 0 for an empty stream
  state: ClusterState; // the caller's own copy
}

interface Warm {
  commit: number;
  state: ClusterState;
  snapshotCommit: number;
  eventsSinceSnapshot: number;
}

/** Objects a snapshot of `state` holds: what it costs to write, in the unit its tail is counted in. */
const objectsIn = (state: ClusterState): number => Object.keys(state.pods).length + Object.keys(state.nodes).length + Object.keys(state.daemonSets).length;

export class StreamFolds {
  private readonly warm = new Map<string, Warm>();
  private readonly busy = new Map<string, Promise<void>>(); // one fold per stream at a time

  constructor(
    private readonly store: EventStore,
    private readonly snapshotEvery: number,
  ) {}

  current(streamId: string): Promise<FoldedStream> {
    const next = (this.busy.get(streamId) ?? Promise.resolve()).then(() => this.foldForward(streamId));
    this.busy.set(
      streamId,
      next.then(
        () => undefined,
        () => undefined,
      ),
    ); // the turn, not the result: no copy of the state stays held
    return next;
  }

  private async foldForward(streamId: string): Promise<FoldedStream> {
    const warm = this.warm.get(streamId) ?? (await this.fromSnapshot(streamId));
    this.warm.delete(streamId); // a fold that fails halfway must not stay cached
    for await (const commit of this.store.read(streamId, warm.commit + 1)) {
      if (commit.commit !== warm.commit + 1) throw new Error(`stream ${streamId}: commit ${commit.commit} follows ${warm.commit}, a gap in the log`);
      fold(commit.events, warm.state);
      warm.commit = commit.commit;
      warm.eventsSinceSnapshot += commit.events.length;
    }
    if (warm.commit - warm.snapshotCommit >= this.snapshotEvery && warm.eventsSinceSnapshot >= objectsIn(warm.state)) {
      await this.store.saveSnapshot(streamId, { commit: warm.commit, state: toSnapshot(warm.state) });
      warm.snapshotCommit = warm.commit;
      warm.eventsSinceSnapshot = 0;
    }
    this.warm.set(streamId, warm);
    return { commit: warm.commit, state: mergeStates([warm.state]) };
  }

  /** The newest snapshot this build can trust, or the empty state (a rebuild from the first commit). */
  private async fromSnapshot(streamId: string): Promise<Warm> {
    const snapshot = await this.store.loadSnapshot(streamId);
    const state = snapshot && fromSnapshot(snapshot.state);
    if (!snapshot || !state) return { commit: 0, state: emptyClusterState(), snapshotCommit: 0, eventsSinceSnapshot: 0 };
    return { commit: snapshot.commit, state, snapshotCommit: snapshot.commit, eventsSinceSnapshot: 0 };
  }
}

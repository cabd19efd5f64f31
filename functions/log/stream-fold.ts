// One stream's folded state: the newest trusted snapshot plus the commits after it, kept warm
// between calls (a warm Lambda folds only what is new). Every `snapshotEvery` commits the fold is
// written back as a snapshot, so a cold rebuild reads at most that many commits.
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
}

export class StreamFolds {
  private readonly warm = new Map<string, Warm>();
  private readonly busy = new Map<string, Promise<void>>(); // one fold per stream at a time

  constructor(
    private readonly store: EventStore,
    private readonly snapshotEvery: number,
  ) {}

  current(streamId: string): Promise<FoldedStream> {
    const next = (this.busy.get(streamId) ?? Promise.resolve()).then(() => this.foldForward(streamId));
    this.busy.set(streamId, next.then(() => undefined, () => undefined)); // the turn, not the result: no copy of the state stays held
    return next;
  }

  private async foldForward(streamId: string): Promise<FoldedStream> {
    const warm = this.warm.get(streamId) ?? (await this.fromSnapshot(streamId));
    this.warm.delete(streamId); // a fold that fails halfway must not stay cached
    for await (const commit of this.store.read(streamId, warm.commit + 1)) {
      if (commit.commit !== warm.commit + 1) throw new Error(`stream ${streamId}: commit ${commit.commit} follows ${warm.commit}, a gap in the log`);
      fold(commit.events, warm.state);
      warm.commit = commit.commit;
    }
    if (warm.commit - warm.snapshotCommit >= this.snapshotEvery) {
      await this.store.saveSnapshot(streamId, { commit: warm.commit, state: toSnapshot(warm.state) });
      warm.snapshotCommit = warm.commit;
    }
    this.warm.set(streamId, warm);
    return { commit: warm.commit, state: mergeStates([warm.state]) };
  }

  /** The newest snapshot this build can trust, or the empty state (a rebuild from the first commit). */
  private async fromSnapshot(streamId: string): Promise<Warm> {
    const snapshot = await this.store.loadSnapshot(streamId);
    const state = snapshot && fromSnapshot(snapshot.state);
    if (!snapshot || !state) return { commit: 0, state: emptyClusterState(), snapshotCommit: 0 };
    return { commit: snapshot.commit, state, snapshotCommit: snapshot.commit };
  }
}

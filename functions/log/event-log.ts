// The event log as the handlers use it: observations in (routed, deduplicated, retried), a
// DaemonSet's state out (snapshot + tails of its three streams), decisions in at an expected
// commit, outcomes in after them.
import { mergeStates, type ClusterState } from '../../domain/cluster-state';
import type { Decision, InputMarks, Observation } from '../../domain/events';
import { daemonSetStreamId, nodesStreamId, parseDaemonSetStreamId, podsStreamId, type DaemonSetKey } from '../../domain/streams';
import type { ReconcileInput } from '../../domain/types';
import { decisionView } from '../../domain/view';
import type { Commit, EventStore } from '../adapters/event-store/port';
import { observationIdentity, routeOf } from './routing';
import { RecentSet } from './recent-set';
import { sizeBatches } from '../size-batches';
import { retryOnConflict } from './retry';
import { StreamFolds } from './stream-fold';

const DEFAULT_SNAPSHOT_EVERY = 100; // commits between snapshots: a cold rebuild reads fewer
/** Observations per commit are capped by size, well under DynamoDB's 400 KB item. */
const COMMIT_BUDGET_BYTES = 300 * 1024;
const RECENT_OBSERVATIONS = 10_000;

export interface Rebuilt {
  input?: ReconcileInput; // undefined: the DaemonSet is unknown or deleted
  daemonSetCommit: number; // the expected commit for appendDecision
  marks: InputMarks;
  state: ClusterState;
}

export class EventLog {
  private readonly folds: StreamFolds;
  private readonly recent = new RecentSet(RECENT_OBSERVATIONS);
  /** Each stream's last commit as this process last saw it: the first guess for the next append. */
  private readonly heads = new Map<string, number>();

  constructor(
    private readonly store: EventStore,
    options: { snapshotEvery?: number } = {},
  ) {
    const snapshotEvery = options.snapshotEvery ?? DEFAULT_SNAPSHOT_EVERY;
    if (!Number.isInteger(snapshotEvery) || snapshotEvery < 1) throw new RangeError(`snapshotEvery must be a positive integer, got ${snapshotEvery}`);
    this.folds = new StreamFolds(store, snapshotEvery);
  }

  async appendObservations(events: Observation[]): Promise<void> {
    const byStream = new Map<string, Map<string, Observation>>();
    for (const event of events) {
      const id = observationIdentity(event);
      if (this.recent.has(id)) continue;
      const route = routeOf(event);
      const streams = 'stream' in route ? [route.stream] : await this.store.listStreams(event.clusterId, route.streamsWithPrefix);
      for (const stream of streams) {
        const batch = byStream.get(stream) ?? new Map<string, Observation>();
        byStream.set(stream, batch.set(id, event)); // an exact duplicate within the batch is kept once
      }
    }
    await Promise.all(
      [...byStream].map(async ([stream, batch]) => {
        for (const commit of bySize([...batch.values()])) await this.appendRetrying(stream, commit);
        for (const id of batch.keys()) this.recent.add(id);
      }),
    );
  }

  async rebuild(key: DaemonSetKey, now: Date): Promise<Rebuilt> {
    const streams = [nodesStreamId(key.clusterId), podsStreamId(key.clusterId, key.namespace), daemonSetStreamId(key)];
    const folded = await Promise.all(streams.map((s) => this.folds.current(s)));
    streams.forEach((s, i) => this.sawCommit(s, folded[i]!.commit));
    const state = mergeStates(folded.map((f) => f.state));
    const view = decisionView(state, key, now);
    const daemonSet = view?.input.daemonSet.metadata;
    const marks: InputMarks = {
      streams: Object.fromEntries(streams.map((s, i) => [s, folded[i]!.commit])),
      ...(daemonSet ? { daemonSetUid: daemonSet.uid!, daemonSetResourceVersion: daemonSet.resourceVersion! } : {}),
      ...(view ? { settledIntents: view.settledIntents } : {}),
    };
    return { ...(view ? { input: view.input } : {}), daemonSetCommit: folded[2]!.commit, marks, state };
  }

  /** Appends one decision at `expectedCommit`; a StreamVersionConflict means another reconcile won. */
  async appendDecision(key: DaemonSetKey, expectedCommit: number, events: Decision[]): Promise<{ commit: number }> {
    const stream = daemonSetStreamId(belongs(key, events));
    const { commit } = await this.store.append(stream, expectedCommit, events);
    this.sawCommit(stream, commit);
    return { commit };
  }

  /** PodActionCompleted, StatusWritten, TimerFired: facts, appended whatever came before them. */
  async appendOutcomes(key: DaemonSetKey, events: Decision[]): Promise<void> {
    if (events.length > 0) await this.appendRetrying(daemonSetStreamId(belongs(key, events)), events);
  }

  async daemonSetsOfCluster(clusterId: string): Promise<DaemonSetKey[]> {
    const streams = await this.store.listStreams(clusterId, `${clusterId}/daemonsets/`);
    return streams.map(parseDaemonSetStreamId);
  }

  history(key: DaemonSetKey): AsyncIterable<Commit> {
    return this.store.read(daemonSetStreamId(key));
  }

  private async appendRetrying(stream: string, events: (Observation | Decision)[]): Promise<void> {
    const { commit } = await retryOnConflict(
      this.heads.get(stream) ?? (await this.store.latestCommit(stream)),
      (expected) => this.store.append(stream, expected, events),
      () => this.store.latestCommit(stream),
    );
    this.sawCommit(stream, commit);
  }

  private sawCommit(stream: string, commit: number): void {
    if (commit > (this.heads.get(stream) ?? 0)) this.heads.set(stream, commit);
  }
}

function belongs(key: DaemonSetKey, events: Decision[]): DaemonSetKey {
  const foreign = events.find((e) => e.clusterId !== key.clusterId);
  if (foreign) throw new Error(`a ${foreign.type} of cluster ${foreign.clusterId} does not belong to ${daemonSetStreamId(key)}`);
  return key;
}

/** Observations in commits of at most COMMIT_BUDGET_BYTES: independent facts, so splitting loses no atomicity. */
const bySize = (events: Observation[]): Observation[][] =>
  sizeBatches(events, (event) => Buffer.byteLength(JSON.stringify(event)), { maxBytes: COMMIT_BUDGET_BYTES });

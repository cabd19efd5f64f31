// The event store in memory, for unit tests and benchmarks. It keeps each commit as the item
// DynamoDB would hold (events as deflated JSON, chained by hash) and reads back through the same
// codec and chain check, so what passes here passes there; the contract suite runs both.
import type { LogEvent } from '../../../domain/events';
import { systemClock, type Clock } from '../../clock';
import { decodeEvents } from './codec';
import { DecisionWaits } from './decision-waits';
import { commitItem, storedCommit, type CommitItem } from './commit-item';
import type { EventStoreOptions } from './dynamodb';
import { GENESIS, verifiedFrom, type StoredCommit } from './hash-chain';
import { EVENT_LOG_HASH_ATTRIBUTE } from './keys';
import { ChainBroken, StreamVersionConflict, type Commit, type EventStore, type Snapshot } from './port';

/** The "table": each stream's items by commit − 1. Tests reach in to play a writer that rewrites history. */
export type InMemoryItems = Map<string, (CommitItem | undefined)[]>;

export class InMemoryEventStore implements EventStore {
  private readonly clusters = new Map<string, Set<string>>(); // the streamsByCluster index
  private readonly snapshots = new Map<string, Snapshot>();
  private readonly chained: boolean;
  private readonly items: InMemoryItems;
  private readonly decisionWaits = new DecisionWaits();

  constructor(
    private readonly clock: Clock = systemClock,
    options: EventStoreOptions & { items?: InMemoryItems } = {},
  ) {
    this.chained = options.hashChain ?? true;
    this.items = options.items ?? new Map();
  }

  read(streamId: string, fromCommit = 1): AsyncIterable<Commit> {
    const from = Math.max(1, fromCommit);
    return this.decisionWaits.read(streamId, from, this.readStored(streamId, from), (keyframe) => this.readStored(streamId, keyframe));
  }

  /** The commits as stored: a decision's waits perhaps as a change (decision-waits.ts). */
  private async *readStored(streamId: string, from: number): AsyncIterable<Commit> {
    // Every read starts one commit early to anchor its chain: no cache, nothing to trust.
    const items = this.storedCommits(streamId, this.chained ? Math.max(1, from - 1) : from);
    const verified = this.chained ? verifiedFrom(streamId, from, undefined, items, () => undefined) : items;
    for await (const stored of verified) yield { streamId, commit: stored.commit, time: stored.time, events: decodeEvents(stored.events) };
  }

  async latestCommit(streamId: string): Promise<number> {
    return this.items.get(streamId)?.length ?? 0;
  }

  async append(streamId: string, expected: number, events: LogEvent[]): Promise<Commit> {
    if (!Number.isInteger(expected) || expected < 0) throw new RangeError(`stream ${streamId}: expected must be a commit number ≥ 0, got ${expected}`);
    const time = this.clock.now().toISOString();
    const commits = this.items.get(streamId) ?? [];
    if (expected > commits.length) throw new StreamVersionConflict(streamId, expected, `commit ${expected} does not exist`);
    if (expected < commits.length) throw new StreamVersionConflict(streamId, expected);
    const before = expected === 0 ? undefined : commits[expected - 1];
    if (expected > 0 && !before) throw new StreamVersionConflict(streamId, expected, `commit ${expected} does not exist`);
    // Links to the head's stored hash, as DynamoDB's append after latestCommit does.
    const previous = !this.chained ? undefined : before ? headHash(streamId, expected, before) : GENESIS;
    const stored = this.decisionWaits.encode(streamId, expected, events);
    commits.push(commitItem(streamId, expected + 1, time, stored, previous));
    this.decisionWaits.appended(streamId, expected + 1, events, stored);
    this.items.set(streamId, commits);
    if (expected === 0) {
      const streams = this.clusters.get(events[0]!.clusterId) ?? new Set<string>();
      this.clusters.set(events[0]!.clusterId, streams.add(streamId));
    }
    return { streamId, commit: expected + 1, time, events };
  }

  async listStreams(clusterId: string, prefix = ''): Promise<string[]> {
    return [...(this.clusters.get(clusterId) ?? [])].filter((s) => s.startsWith(prefix)).sort();
  }

  async saveSnapshot(streamId: string, snapshot: Snapshot): Promise<void> {
    const known = this.snapshots.get(streamId);
    if (!known || snapshot.commit >= known.commit) this.snapshots.set(streamId, snapshot);
  }

  async loadSnapshot(streamId: string): Promise<Snapshot | undefined> {
    return this.snapshots.get(streamId);
  }

  private async *storedCommits(streamId: string, from: number): AsyncIterable<StoredCommit> {
    const commits = this.items.get(streamId) ?? [];
    for (let n = from; n <= commits.length; n++) {
      const item = commits[n - 1];
      if (item) yield storedCommit(item); // a hole is an item someone deleted
    }
  }
}

function headHash(streamId: string, commit: number, item: CommitItem): Uint8Array {
  const hash = item[EVENT_LOG_HASH_ATTRIBUTE];
  if (!(hash instanceof Uint8Array)) throw new ChainBroken(streamId, commit, 'it carries no chain hash');
  return hash;
}

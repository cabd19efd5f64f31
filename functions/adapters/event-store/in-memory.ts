// The event store in memory, for unit tests and benchmarks. It keeps each commit as the item
// DynamoDB would hold (events as JSON) and reads back through the same codec, so what passes here
// passes there; the contract suite runs both.
import type { LogEvent } from '../../../domain/events';
import { systemClock, type Clock } from '../../clock';
import { decodeEvents } from './codec';
import { commitItem } from './commit-item';
import { EVENT_LOG_EVENTS_ATTRIBUTE } from './keys';
import { StreamVersionConflict, type Commit, type EventStore, type Snapshot } from './port';

interface StoredCommit {
  time: string;
  events: Uint8Array; // as in the table
}

export class InMemoryEventStore implements EventStore {
  private readonly streams = new Map<string, StoredCommit[]>();
  private readonly clusters = new Map<string, Set<string>>(); // the streamsByCluster index
  private readonly snapshots = new Map<string, Snapshot>();

  constructor(private readonly clock: Clock = systemClock) {}

  async *read(streamId: string, fromCommit = 1): AsyncIterable<Commit> {
    const commits = this.streams.get(streamId) ?? [];
    for (let n = Math.max(1, fromCommit); n <= commits.length; n++) {
      const stored = commits[n - 1]!;
      yield { streamId, commit: n, time: stored.time, events: decodeEvents(stored.events) };
    }
  }

  async latestCommit(streamId: string): Promise<number> {
    return this.streams.get(streamId)?.length ?? 0;
  }

  async append(streamId: string, expected: number, events: LogEvent[]): Promise<Commit> {
    if (!Number.isInteger(expected) || expected < 0) throw new RangeError(`stream ${streamId}: expected must be a commit number ≥ 0, got ${expected}`);
    const time = this.clock.now().toISOString();
    const item = commitItem(streamId, expected + 1, time, events);
    const commits = this.streams.get(streamId) ?? [];
    if (expected > commits.length) throw new StreamVersionConflict(streamId, expected, `commit ${expected} does not exist`);
    if (expected < commits.length) throw new StreamVersionConflict(streamId, expected);
    commits.push({ time, events: item[EVENT_LOG_EVENTS_ATTRIBUTE] as Uint8Array });
    this.streams.set(streamId, commits);
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
}

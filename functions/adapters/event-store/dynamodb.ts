// The event store on one DynamoDB table (keys.ts). Commits are written and read by the one chained
// commit writer every writer of the table shares (chained-commits.ts): an append is one conditional
// PutItem chained to the commit before it, a read verifies the chain of what it returns. This
// adds the log's event codec, the stream index and snapshots.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { LogEvent } from '../../../domain/events';
import { systemClock, type Clock } from '../../clock';
import { ChainedCommits, queryItems, type ChainOptions } from './chained-commits';
import { decodeEvents, encodeEvents } from './codec';
import { DecisionWaits } from './decision-waits';
import { loadSnapshot, saveSnapshot } from './dynamodb-snapshots';
import type { StoredCommit } from './hash-chain';
import { EVENT_LOG_CLUSTER_ATTRIBUTE, EVENT_LOG_PARTITION_KEY, EVENT_LOG_STREAMS_INDEX } from './keys';
import type { Commit, EventStore, Snapshot } from './port';

export { fromAttributes, readStoredCommits, toAttributes } from './chained-commits';
export type EventStoreOptions = ChainOptions;

export class DynamoDbEventStore implements EventStore {
  private readonly commits: ChainedCommits;
  private readonly decisionWaits = new DecisionWaits(); // a decision's waits stored as a change, read in full

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    clock: Clock = systemClock,
    options: EventStoreOptions = {},
  ) {
    this.commits = new ChainedCommits(client, tableName, clock, options);
  }

  read(streamId: string, fromCommit = 1): AsyncIterable<Commit> {
    return this.decisionWaits.read(streamId, Math.max(1, fromCommit), this.readStored(streamId, fromCommit), (keyframe) => this.readStored(streamId, keyframe));
  }

  private async *readStored(streamId: string, fromCommit: number): AsyncIterable<Commit> {
    for await (const stored of this.commits.read(streamId, fromCommit)) yield toCommit(stored);
  }

  latestCommit(streamId: string): Promise<number> {
    return this.commits.latestCommit(streamId);
  }

  async append(streamId: string, expected: number, events: LogEvent[]): Promise<Commit> {
    if (events.length === 0) throw new RangeError(`stream ${streamId}: a commit holds at least one event`);
    // Only the first commit names the cluster: the streamsByCluster index holds one row per stream.
    const stored = this.decisionWaits.encode(streamId, expected, events);
    const { commit, time } = await this.commits.append(streamId, expected, encodeEvents(stored), events[0]!.clusterId);
    this.decisionWaits.appended(streamId, commit, events, stored);
    return { streamId, commit, time, events };
  }

  async listStreams(clusterId: string, prefix = ''): Promise<string[]> {
    const items = queryItems(this.client, {
      TableName: this.tableName,
      IndexName: EVENT_LOG_STREAMS_INDEX,
      KeyConditionExpression: prefix ? '#k = :k AND begins_with(#s, :p)' : '#k = :k',
      ExpressionAttributeNames: { '#k': EVENT_LOG_CLUSTER_ATTRIBUTE, ...(prefix ? { '#s': EVENT_LOG_PARTITION_KEY } : {}) },
      ExpressionAttributeValues: { ':k': { S: clusterId }, ...(prefix ? { ':p': { S: prefix } } : {}) },
    });
    const streams: string[] = [];
    for await (const item of items) streams.push(item[EVENT_LOG_PARTITION_KEY]!.S!);
    return streams;
  }

  saveSnapshot(streamId: string, snapshot: Snapshot): Promise<void> {
    return saveSnapshot(this.client, this.tableName, streamId, snapshot);
  }

  loadSnapshot(streamId: string): Promise<Snapshot | undefined> {
    return loadSnapshot(this.client, this.tableName, streamId);
  }
}

const toCommit = (c: StoredCommit): Commit => ({ streamId: c.streamId, commit: c.commit, time: c.time, events: decodeEvents(c.events) });

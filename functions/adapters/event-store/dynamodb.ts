// The event store on one DynamoDB table (keys.ts). An append is one conditional PutItem of a
// commit item — atomic without transactions, which dynalite lacks. DynamoDB's error names stop here.
import {
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type AttributeValue,
  type DynamoDBClient,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import type { LogEvent } from '../../../domain/events';
import { isConditionalCheckFailed } from '../dynamodb-errors';
import { systemClock, type Clock } from '../../clock';
import { decodeEvents } from './codec';
import { commitItem, type CommitItem } from './commit-item';
import { loadSnapshot, saveSnapshot } from './dynamodb-snapshots';
import {
  EVENT_LOG_CLUSTER_ATTRIBUTE,
  EVENT_LOG_EVENTS_ATTRIBUTE,
  EVENT_LOG_PARTITION_KEY,
  EVENT_LOG_SORT_KEY,
  EVENT_LOG_STREAMS_INDEX,
  EVENT_LOG_TIME_ATTRIBUTE,
} from './keys';
import { StreamVersionConflict, type Commit, type EventStore, type Snapshot } from './port';

export class DynamoDbEventStore implements EventStore {
  /**
   * The highest commit known to exist per stream. Commits are never deleted, so once seen a commit
   * exists for good: an append whose `expected` is at or below it needs no existence check.
   */
  private readonly known = new Map<string, number>();

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly clock: Clock = systemClock,
  ) {}

  async *read(streamId: string, fromCommit = 1): AsyncIterable<Commit> {
    const pages = this.query({
      KeyConditionExpression: '#s = :s AND #c >= :from',
      ExpressionAttributeNames: { '#s': EVENT_LOG_PARTITION_KEY, '#c': EVENT_LOG_SORT_KEY },
      ExpressionAttributeValues: { ':s': { S: streamId }, ':from': { N: String(fromCommit) } },
      ConsistentRead: true,
    });
    for await (const item of pages) {
      const commit = toCommit(item);
      this.remember(streamId, commit.commit);
      yield commit;
    }
  }

  async latestCommit(streamId: string): Promise<number> {
    const { Items } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: '#s = :s',
        ExpressionAttributeNames: { '#s': EVENT_LOG_PARTITION_KEY, '#c': EVENT_LOG_SORT_KEY },
        ExpressionAttributeValues: { ':s': { S: streamId } },
        ProjectionExpression: '#c',
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const latest = Items?.[0] ? Number(Items[0][EVENT_LOG_SORT_KEY]!.N) : 0;
    this.remember(streamId, latest);
    return latest;
  }

  async append(streamId: string, expected: number, events: LogEvent[]): Promise<Commit> {
    if (!Number.isInteger(expected) || expected < 0) throw new RangeError(`stream ${streamId}: expected must be a commit number ≥ 0, got ${expected}`);
    const time = this.clock.now().toISOString();
    const item = commitItem(streamId, expected + 1, time, events); // refuses an oversized commit before any write
    // No gap: commit N+1 only follows an existing commit N (castore checks only that N+1 is new).
    if (expected > (this.known.get(streamId) ?? 0) && !(await this.exists(streamId, expected))) {
      throw new StreamVersionConflict(streamId, expected, `commit ${expected} does not exist`);
    }
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: toAttributes(item),
          ConditionExpression: 'attribute_not_exists(#c)',
          ExpressionAttributeNames: { '#c': EVENT_LOG_SORT_KEY },
        }),
      );
    } catch (error) {
      if (isConditionalCheckFailed(error)) {
        throw new StreamVersionConflict(streamId, expected);
      }
      throw error;
    }
    this.remember(streamId, expected + 1);
    return { streamId, commit: expected + 1, time, events };
  }

  async listStreams(clusterId: string, prefix = ''): Promise<string[]> {
    const pages = this.query({
      IndexName: EVENT_LOG_STREAMS_INDEX,
      KeyConditionExpression: prefix ? '#k = :k AND begins_with(#s, :p)' : '#k = :k',
      ExpressionAttributeNames: { '#k': EVENT_LOG_CLUSTER_ATTRIBUTE, ...(prefix ? { '#s': EVENT_LOG_PARTITION_KEY } : {}) },
      ExpressionAttributeValues: { ':k': { S: clusterId }, ...(prefix ? { ':p': { S: prefix } } : {}) },
    });
    const streams: string[] = [];
    for await (const item of pages) streams.push(item[EVENT_LOG_PARTITION_KEY]!.S!);
    return streams;
  }

  saveSnapshot(streamId: string, snapshot: Snapshot): Promise<void> {
    return saveSnapshot(this.client, this.tableName, streamId, snapshot);
  }

  loadSnapshot(streamId: string): Promise<Snapshot | undefined> {
    return loadSnapshot(this.client, this.tableName, streamId);
  }

  private async exists(streamId: string, commit: number): Promise<boolean> {
    const { Item } = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: { [EVENT_LOG_PARTITION_KEY]: { S: streamId }, [EVENT_LOG_SORT_KEY]: { N: String(commit) } },
        ProjectionExpression: '#c',
        ExpressionAttributeNames: { '#c': EVENT_LOG_SORT_KEY },
        ConsistentRead: true,
      }),
    );
    if (Item) this.remember(streamId, commit);
    return Item !== undefined;
  }

  private remember(streamId: string, commit: number): void {
    if (commit > (this.known.get(streamId) ?? 0)) this.known.set(streamId, commit);
  }

  private async *query(input: Omit<QueryCommandInput, 'TableName'>): AsyncIterable<Record<string, AttributeValue>> {
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.client.send(new QueryCommand({ ...input, TableName: this.tableName, ExclusiveStartKey: start }));
      yield* page.Items ?? [];
      start = page.LastEvaluatedKey;
    } while (start);
  }
}

function toAttributes(item: CommitItem): Record<string, AttributeValue> {
  const attribute = (v: CommitItem[string]): AttributeValue => (typeof v === 'number' ? { N: String(v) } : typeof v === 'string' ? { S: v } : { B: v });
  return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, attribute(v)]));
}

function toCommit(item: Record<string, AttributeValue>): Commit {
  return {
    streamId: item[EVENT_LOG_PARTITION_KEY]!.S!,
    commit: Number(item[EVENT_LOG_SORT_KEY]!.N),
    time: item[EVENT_LOG_TIME_ATTRIBUTE]!.S!,
    events: decodeEvents(item[EVENT_LOG_EVENTS_ATTRIBUTE]!.B!),
  };
}

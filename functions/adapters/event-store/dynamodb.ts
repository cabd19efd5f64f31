// The event store on one DynamoDB table (keys.ts). An append is one conditional PutItem of a
// commit item — atomic without transactions, which dynalite lacks — chained to the commit before it
// (hash-chain.ts); a read verifies the chain of what it returns. DynamoDB's error names stop here.
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
import { commitItem, storedCommit, type CommitItem } from './commit-item';
import { loadSnapshot, saveSnapshot } from './dynamodb-snapshots';
import { GENESIS, ownHash, verifiedFrom, type StoredCommit } from './hash-chain';
import { EVENT_LOG_CLUSTER_ATTRIBUTE, EVENT_LOG_HASH_ATTRIBUTE, EVENT_LOG_PARTITION_KEY, EVENT_LOG_SORT_KEY, EVENT_LOG_STREAMS_INDEX } from './keys';
import { StreamVersionConflict, type Commit, type EventStore, type Snapshot } from './port';

export interface EventStoreOptions {
  /** false writes and reads unchained commits: only for the log benchmark's same-run baseline. */
  hashChain?: boolean;
}

/** The highest commit known to exist in a stream, and its stored hash when known. */
interface Head {
  commit: number;
  hash?: Uint8Array;
}

export class DynamoDbEventStore implements EventStore {
  /**
   * The highest commit known per stream. Commits are never deleted, so once seen a commit exists
   * for good: an append below it has lost already, and one at it links to its hash without a read.
   */
  private readonly known = new Map<string, Head>();
  private readonly chained: boolean;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly clock: Clock = systemClock,
    options: EventStoreOptions = {},
  ) {
    this.chained = options.hashChain ?? true;
  }

  async *read(streamId: string, fromCommit = 1): AsyncIterable<Commit> {
    const from = Math.max(1, fromCommit);
    const head = this.known.get(streamId);
    // The chain is checked from the commit before `from`: known already, or read along.
    const anchor = head?.commit === from - 1 && head.hash ? { commit: head.commit, hash: head.hash } : undefined;
    const start = this.chained && from > 1 && !anchor ? from - 1 : from;
    const items = this.storedCommits(streamId, start);
    const verified = this.chained ? verifiedFrom(streamId, from, anchor, items, (link) => this.remember(streamId, link)) : items;
    for await (const stored of verified) {
      if (!this.chained) this.remember(streamId, { commit: stored.commit });
      yield toCommit(stored);
    }
  }

  async latestCommit(streamId: string): Promise<number> {
    const { Items } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: '#s = :s',
        ExpressionAttributeNames: { '#s': EVENT_LOG_PARTITION_KEY, '#c': EVENT_LOG_SORT_KEY, '#h': EVENT_LOG_HASH_ATTRIBUTE },
        ExpressionAttributeValues: { ':s': { S: streamId } },
        ProjectionExpression: '#c, #h',
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const latest = Items?.[0] ? Number(Items[0][EVENT_LOG_SORT_KEY]!.N) : 0;
    // The stored hash, unverified: the next append links to it, so a rewrite of this commit that
    // leaves its hash shows as a mismatch, and one that re-hashes it breaks at the signed checkpoint.
    if (latest > 0) this.remember(streamId, { commit: latest, ...(Items![0]![EVENT_LOG_HASH_ATTRIBUTE]?.B ? { hash: Items![0]![EVENT_LOG_HASH_ATTRIBUTE]!.B } : {}) });
    return latest;
  }

  async append(streamId: string, expected: number, events: LogEvent[]): Promise<Commit> {
    if (!Number.isInteger(expected) || expected < 0) throw new RangeError(`stream ${streamId}: expected must be a commit number ≥ 0, got ${expected}`);
    const time = this.clock.now().toISOString();
    if (expected < (this.known.get(streamId)?.commit ?? 0)) throw new StreamVersionConflict(streamId, expected);
    // No gap: commit N+1 only follows an existing commit N (castore checks only that N+1 is new),
    // and links to N's hash — read from N itself unless known.
    const previous = this.chained ? (expected === 0 ? GENESIS : await this.hashOf(streamId, expected)) : undefined;
    if (!this.chained && expected > (this.known.get(streamId)?.commit ?? 0) && !(await this.item(streamId, expected))) {
      throw new StreamVersionConflict(streamId, expected, `commit ${expected} does not exist`);
    }
    const item = commitItem(streamId, expected + 1, time, events, previous); // refuses an oversized commit before any write
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
    this.remember(streamId, { commit: expected + 1, ...(previous ? { hash: item[EVENT_LOG_HASH_ATTRIBUTE] as Uint8Array } : {}) });
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

  /** The hash of commit `commit` to chain the next one to: known, or read and checked; a missing commit is a conflict. */
  private async hashOf(streamId: string, commit: number): Promise<Uint8Array> {
    const head = this.known.get(streamId);
    if (head?.commit === commit && head.hash) return head.hash;
    const stored = await this.item(streamId, commit);
    if (!stored) throw new StreamVersionConflict(streamId, commit, `commit ${commit} does not exist`);
    const hash = ownHash(stored);
    this.remember(streamId, { commit, hash });
    return hash;
  }

  private async item(streamId: string, commit: number): Promise<StoredCommit | undefined> {
    const { Item } = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: { [EVENT_LOG_PARTITION_KEY]: { S: streamId }, [EVENT_LOG_SORT_KEY]: { N: String(commit) } },
        ConsistentRead: true,
      }),
    );
    return Item && storedCommit(fromAttributes(Item));
  }

  private remember(streamId: string, head: Head): void {
    const known = this.known.get(streamId);
    if (!known || head.commit > known.commit || (head.commit === known.commit && head.hash && !known.hash)) this.known.set(streamId, head);
  }

  private storedCommits(streamId: string, from: number): AsyncIterable<StoredCommit> {
    return readStoredCommits(this.client, this.tableName, streamId, from);
  }

  private query(input: Omit<QueryCommandInput, 'TableName'>): AsyncIterable<Record<string, AttributeValue>> {
    return queryPages(this.client, { ...input, TableName: this.tableName });
  }
}

/** A stream's commit items as stored, ascending from `from`, unverified: for the store and `log verify`. */
export async function* readStoredCommits(client: DynamoDBClient, table: string, streamId: string, from = 1): AsyncIterable<StoredCommit> {
  const pages = queryPages(client, {
    TableName: table,
    KeyConditionExpression: '#s = :s AND #c >= :from',
    ExpressionAttributeNames: { '#s': EVENT_LOG_PARTITION_KEY, '#c': EVENT_LOG_SORT_KEY },
    ExpressionAttributeValues: { ':s': { S: streamId }, ':from': { N: String(from) } },
    ConsistentRead: true,
  });
  for await (const item of pages) yield storedCommit(fromAttributes(item));
}

async function* queryPages(client: DynamoDBClient, input: QueryCommandInput): AsyncIterable<Record<string, AttributeValue>> {
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    yield* page.Items ?? [];
    start = page.LastEvaluatedKey;
  } while (start);
}

export function toAttributes(item: CommitItem): Record<string, AttributeValue> {
  const attribute = (v: CommitItem[string]): AttributeValue => (typeof v === 'number' ? { N: String(v) } : typeof v === 'string' ? { S: v } : { B: v });
  return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, attribute(v)]));
}

export function fromAttributes(item: Record<string, AttributeValue>): CommitItem {
  const value = (v: AttributeValue): CommitItem[string] => (v.N !== undefined ? Number(v.N) : v.S !== undefined ? v.S : (v.B ?? new Uint8Array()));
  return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, value(v)]));
}

const toCommit = (c: StoredCommit): Commit => ({ streamId: c.streamId, commit: c.commit, time: c.time, events: decodeEvents(c.events) });

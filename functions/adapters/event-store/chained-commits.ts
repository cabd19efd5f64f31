// One way to write a commit into the event-log table, whoever writes it — the event store, the
// cluster registry, the fleet store: one conditional PutItem at commit = expected + 1 (atomic
// without transactions, which dynalite lacks), chained to the stream's previous commit
// (hash-chain.ts). And one way to read commits back: page by page, the chain verified. The writers
// differ only in what their payload bytes hold. DynamoDB's error names stop here.
import {
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  paginateQuery,
  type AttributeValue,
  type DynamoDBClient,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import { systemClock, type Clock } from '../../clock';
import { isConditionalCheckFailed } from '../dynamodb-errors';
import { chainedItem, storedCommit, type CommitItem } from './commit-item';
import { GENESIS, ownHash, verifiedFrom, type ChainLink, type StoredCommit } from './hash-chain';
import { EVENT_LOG_HASH_ATTRIBUTE, EVENT_LOG_PARTITION_KEY, EVENT_LOG_SORT_KEY } from './keys';
import { StreamVersionConflict } from './port';

export interface ChainOptions {
  /** false writes and reads unchained commits: only for the log benchmark's same-run baseline. */
  hashChain?: boolean;
}

/** The highest commit known to exist in a stream, and its stored hash when known. */
export interface Head {
  commit: number;
  hash?: Uint8Array;
}

export class ChainedCommits {
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
    options: ChainOptions = {},
  ) {
    this.chained = options.hashChain ?? true;
  }

  /** Commits numbered `fromCommit` and up, as stored, ascending; each one's chain checked before it is yielded. */
  async *read(streamId: string, fromCommit = 1): AsyncIterable<StoredCommit> {
    const from = Math.max(1, fromCommit);
    const head = this.known.get(streamId);
    // The chain is checked from the commit before `from`: known already, or read along.
    const anchor = head?.commit === from - 1 && head.hash ? { commit: head.commit, hash: head.hash } : undefined;
    const start = this.chained && from > 1 && !anchor ? from - 1 : from;
    const items = readStoredCommits(this.client, this.tableName, streamId, start);
    if (this.chained) {
      yield* verifiedFrom(streamId, from, anchor, items, (link: ChainLink) => this.remember(streamId, link));
      return;
    }
    for await (const stored of items) {
      this.remember(streamId, { commit: stored.commit });
      yield stored;
    }
  }

  /** The stream's last commit; 0 for a stream never written. */
  async latestCommit(streamId: string): Promise<number> {
    const head = await storedHead(this.client, this.tableName, streamId);
    // The stored hash, unverified: the next append links to it, so a rewrite of this commit that
    // leaves its hash shows as a mismatch, and one that re-hashes it breaks at the signed checkpoint.
    if (head) this.remember(streamId, head);
    return head?.commit ?? 0;
  }

  /**
   * Writes `payload` (the commit's events, encoded by its writer) as commit `expected + 1`,
   * chained to commit `expected`. `owner` is recorded on a stream's first commit only, which lists
   * the stream in the streamsByCluster index. Throws StreamVersionConflict when that commit exists
   * or `expected` does not, and CommitTooLarge before any write.
   */
  async append(streamId: string, expected: number, payload: Uint8Array, owner: string): Promise<{ commit: number; time: string }> {
    if (!Number.isInteger(expected) || expected < 0) throw new RangeError(`stream ${streamId}: expected must be a commit number ≥ 0, got ${expected}`);
    const time = this.clock.now().toISOString();
    if (expected < (this.known.get(streamId)?.commit ?? 0)) throw new StreamVersionConflict(streamId, expected);
    // No gap: commit N+1 only follows an existing commit N (castore checks only that N+1 is new),
    // and links to N's hash — read from N itself unless known.
    const previous = this.chained ? (expected === 0 ? GENESIS : await this.hashOf(streamId, expected)) : undefined;
    if (!this.chained && expected > (this.known.get(streamId)?.commit ?? 0) && !(await this.item(streamId, expected))) {
      throw new StreamVersionConflict(streamId, expected, `commit ${expected} does not exist`);
    }
    const item = chainedItem(streamId, expected + 1, time, payload, owner, previous); // refuses an oversized commit before any write
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
      if (isConditionalCheckFailed(error)) throw new StreamVersionConflict(streamId, expected);
      throw error;
    }
    this.remember(streamId, { commit: expected + 1, ...(previous ? { hash: item[EVENT_LOG_HASH_ATTRIBUTE] as Uint8Array } : {}) });
    return { commit: expected + 1, time };
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
}

/** A stream's last commit and the hash stored on it (unverified): one `Limit 1` Query; undefined for a stream never written. */
export async function storedHead(client: DynamoDBClient, table: string, streamId: string): Promise<Head | undefined> {
  const { Items } = await client.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: '#s = :s',
      ExpressionAttributeNames: { '#s': EVENT_LOG_PARTITION_KEY, '#c': EVENT_LOG_SORT_KEY, '#h': EVENT_LOG_HASH_ATTRIBUTE },
      ExpressionAttributeValues: { ':s': { S: streamId } },
      ProjectionExpression: '#c, #h',
      ScanIndexForward: false,
      Limit: 1,
      ConsistentRead: true,
    }),
  );
  const item = Items?.[0];
  if (!item) return undefined;
  const hash = item[EVENT_LOG_HASH_ATTRIBUTE]?.B;
  return { commit: Number(item[EVENT_LOG_SORT_KEY]!.N), ...(hash ? { hash } : {}) };
}

/** A stream's commit items as stored, ascending from `from`, unverified: for the chained reader and `log verify`. */
export async function* readStoredCommits(client: DynamoDBClient, table: string, streamId: string, from = 1): AsyncIterable<StoredCommit> {
  const items = queryItems(client, {
    TableName: table,
    KeyConditionExpression: '#s = :s AND #c >= :from',
    ExpressionAttributeNames: { '#s': EVENT_LOG_PARTITION_KEY, '#c': EVENT_LOG_SORT_KEY },
    ExpressionAttributeValues: { ':s': { S: streamId }, ':from': { N: String(from) } },
    ConsistentRead: true,
  });
  for await (const item of items) yield storedCommit(fromAttributes(item));
}

/** Every item a Query returns, across its pages (the SDK's paginator). */
export async function* queryItems(client: DynamoDBClient, input: QueryCommandInput): AsyncIterable<Record<string, AttributeValue>> {
  for await (const page of paginateQuery({ client }, input)) yield* page.Items ?? [];
}

export function toAttributes(item: CommitItem): Record<string, AttributeValue> {
  const attribute = (v: CommitItem[string]): AttributeValue => (typeof v === 'number' ? { N: String(v) } : typeof v === 'string' ? { S: v } : { B: v });
  return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, attribute(v)]));
}

export function fromAttributes(item: Record<string, AttributeValue>): CommitItem {
  const value = (v: AttributeValue): CommitItem[string] => (v.N !== undefined ? Number(v.N) : v.S !== undefined ? v.S : (v.B ?? new Uint8Array()));
  return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, value(v)]));
}

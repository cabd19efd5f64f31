// Snapshots in the event-log table. A 5,000-node state is megabytes, an item at most 400 KB: the
// state is gzipped and chunked over items of the partition `<streamId>#snapshot`, keyed
// `commit × SNAPSHOT_CHUNK_SLOTS + index`. Each chunk carries the chunk count and the digest of the
// whole, so a reader trusts only a snapshot whose chunks are all there and add up (a writer that
// died halfway, or two writers interleaving, leave one that does not) and otherwise falls back.
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import {
  BatchWriteItemCommand,
  PutItemCommand,
  QueryCommand,
  paginateQuery,
  type AttributeValue,
  type DynamoDBClient,
  type QueryCommandInput,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import {
  EVENT_LOG_PARTITION_KEY,
  EVENT_LOG_SNAPSHOT_ATTRIBUTE,
  EVENT_LOG_SNAPSHOT_CHUNKS_ATTRIBUTE,
  EVENT_LOG_SNAPSHOT_DIGEST_ATTRIBUTE,
  EVENT_LOG_SNAPSHOT_SUFFIX,
  EVENT_LOG_SORT_KEY,
  SNAPSHOT_CHUNK_SLOTS,
} from './keys';
import type { Snapshot } from './port';

const CHUNK_BYTES = 350 * 1024; // leaves room under 400 KB for keys and the other attributes
const FALLBACKS = 3; // incomplete snapshots skipped before rebuilding from the whole stream

export async function saveSnapshot(client: DynamoDBClient, table: string, streamId: string, snapshot: Snapshot): Promise<void> {
  const zipped = gzipSync(snapshot.state);
  const digest = createHash('sha256').update(zipped).digest('hex');
  const chunks = Math.max(1, Math.ceil(zipped.length / CHUNK_BYTES));
  if (chunks > SNAPSHOT_CHUNK_SLOTS) throw new RangeError(`snapshot of ${streamId} needs ${chunks} chunks, over ${SNAPSHOT_CHUNK_SLOTS}`);
  const partition = streamId + EVENT_LOG_SNAPSHOT_SUFFIX;
  for (let index = 0; index < chunks; index++) {
    await client.send(
      new PutItemCommand({
        TableName: table,
        Item: {
          [EVENT_LOG_PARTITION_KEY]: { S: partition },
          [EVENT_LOG_SORT_KEY]: { N: String(snapshot.commit * SNAPSHOT_CHUNK_SLOTS + index) },
          [EVENT_LOG_SNAPSHOT_CHUNKS_ATTRIBUTE]: { N: String(chunks) },
          [EVENT_LOG_SNAPSHOT_DIGEST_ATTRIBUTE]: { S: digest },
          [EVENT_LOG_SNAPSHOT_ATTRIBUTE]: { B: zipped.subarray(index * CHUNK_BYTES, (index + 1) * CHUNK_BYTES) },
        },
      }),
    );
  }
  await pruneOlder(client, table, partition, snapshot.commit);
}

export async function loadSnapshot(client: DynamoDBClient, table: string, streamId: string): Promise<Snapshot | undefined> {
  const partition = streamId + EVENT_LOG_SNAPSHOT_SUFFIX;
  let below: number | undefined;
  for (let attempt = 0; attempt < FALLBACKS; attempt++) {
    const newest = await newestBelow(client, table, partition, below);
    if (newest === undefined) return undefined;
    const state = await readComplete(client, table, partition, newest.commit);
    if (state !== undefined) return { commit: newest.commit, state };
    below = newest.commit;
  }
  return undefined;
}

/** The newest snapshot (complete or not) below commit `below`: its commit and its highest chunk index. */
async function newestBelow(client: DynamoDBClient, table: string, partition: string, below?: number): Promise<{ commit: number; top: number } | undefined> {
  const { Items } = await client.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: below === undefined ? '#s = :s' : '#s = :s AND #c < :below',
      ExpressionAttributeNames: { '#s': EVENT_LOG_PARTITION_KEY, '#c': EVENT_LOG_SORT_KEY },
      ExpressionAttributeValues: {
        ':s': { S: partition },
        ...(below === undefined ? {} : { ':below': { N: String(below * SNAPSHOT_CHUNK_SLOTS) } }),
      },
      ProjectionExpression: '#c',
      ScanIndexForward: false,
      Limit: 1,
      ConsistentRead: true,
    }),
  );
  if (!Items?.[0]) return undefined;
  const key = Number(Items[0][EVENT_LOG_SORT_KEY]!.N);
  return { commit: Math.floor(key / SNAPSHOT_CHUNK_SLOTS), top: key % SNAPSHOT_CHUNK_SLOTS };
}

async function readComplete(client: DynamoDBClient, table: string, partition: string, commit: number): Promise<string | undefined> {
  const first = commit * SNAPSHOT_CHUNK_SLOTS;
  const items = await queryAll(client, {
    TableName: table,
    KeyConditionExpression: '#s = :s AND #c BETWEEN :first AND :last',
    ExpressionAttributeNames: { '#s': EVENT_LOG_PARTITION_KEY, '#c': EVENT_LOG_SORT_KEY },
    ExpressionAttributeValues: { ':s': { S: partition }, ':first': { N: String(first) }, ':last': { N: String(first + SNAPSHOT_CHUNK_SLOTS - 1) } },
    ConsistentRead: true,
  });
  const chunks = Number(items[0]?.[EVENT_LOG_SNAPSHOT_CHUNKS_ATTRIBUTE]?.N);
  const digest = items[0]?.[EVENT_LOG_SNAPSHOT_DIGEST_ATTRIBUTE]?.S;
  const whole =
    items.length === chunks &&
    items.every(
      (item, index) =>
        Number(item[EVENT_LOG_SORT_KEY]!.N) === first + index &&
        Number(item[EVENT_LOG_SNAPSHOT_CHUNKS_ATTRIBUTE]?.N) === chunks &&
        item[EVENT_LOG_SNAPSHOT_DIGEST_ATTRIBUTE]?.S === digest,
    );
  if (!whole) return undefined;
  const zipped = Buffer.concat(items.map((item) => item[EVENT_LOG_SNAPSHOT_ATTRIBUTE]!.B!));
  if (createHash('sha256').update(zipped).digest('hex') !== digest) return undefined;
  return gunzipSync(zipped).toString('utf8');
}

/** Deletes the snapshots older than the one before `newest`: a reader racing this write still finds one. */
async function pruneOlder(client: DynamoDBClient, table: string, partition: string, newest: number): Promise<void> {
  const previous = await newestBelow(client, table, partition, newest);
  if (!previous) return;
  for (let old = await newestBelow(client, table, partition, previous.commit); old; old = await newestBelow(client, table, partition, old.commit)) {
    let requests: WriteRequest[] = Array.from({ length: old.top + 1 }, (_, index) => ({
      DeleteRequest: {
        Key: { [EVENT_LOG_PARTITION_KEY]: { S: partition }, [EVENT_LOG_SORT_KEY]: { N: String(old!.commit * SNAPSHOT_CHUNK_SLOTS + index) } },
      },
    }));
    while (requests.length > 0) {
      const batch = requests.slice(0, 25); // BatchWriteItem's limit
      const { UnprocessedItems } = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: batch } }));
      const unprocessed = UnprocessedItems?.[table] ?? [];
      if (unprocessed.length > 0) await new Promise((resolve) => setTimeout(resolve, 100)); // throttled: back off
      requests = [...unprocessed, ...requests.slice(25)];
    }
  }
}

async function queryAll(client: DynamoDBClient, input: QueryCommandInput): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  for await (const page of paginateQuery({ client }, input)) items.push(...(page.Items ?? []));
  return items;
}

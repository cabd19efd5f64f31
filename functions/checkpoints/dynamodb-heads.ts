// What the checkpoint writer and `log verify` read from the event-log table: every chained
// stream, and each stream's head (its last commit and that commit's stored hash).
import { QueryCommand, ScanCommand, type AttributeValue, type DynamoDBClient, type ScanCommandInput } from '@aws-sdk/client-dynamodb';
import { hex } from '../adapters/event-store/hash-chain';
import {
  CLUSTER_RATE_LIMIT_PREFIX,
  EVENT_LOG_HASH_ATTRIBUTE,
  EVENT_LOG_PARTITION_KEY,
  EVENT_LOG_SNAPSHOT_SUFFIX,
  EVENT_LOG_SORT_KEY,
  EVENT_LOG_STREAMS_INDEX,
  PENDING_RECONCILE_PREFIX,
} from '../adapters/event-store/keys';
import { ChainBroken } from '../adapters/event-store/port';
import { fleetStreamId } from '../adapters/fleet-store/port';
import { REGISTRY_STREAM_ID } from '../registry/cluster-registry';
import type { StreamHead } from './checkpoint';

const PARALLEL_QUERIES = 16;
/** The registry's key space (`registry/clusters`, …): `registry` is never a cluster id. */
const REGISTRY_PREFIX = REGISTRY_STREAM_ID.slice(0, REGISTRY_STREAM_ID.indexOf('/') + 1);
/** The fleet store's key space (`fleet/<name>`, `fleet/<name>/budget`): `fleet` is never a cluster id. */
const FLEET_PREFIX = fleetStreamId('');

/**
 * Partitions of the table that are not chained streams: snapshots (rewritten and pruned), the
 * reconcile marks (updated, deleted), the clusters' shared API token buckets (rewritten on every
 * lease), and the cluster registry and the fleet store, which write their own commit items (not
 * yet chained: the commit guard alarms on any rewrite of them).
 */
export const isChainedStream = (partition: string): boolean =>
  !partition.endsWith(EVENT_LOG_SNAPSHOT_SUFFIX) &&
  !partition.startsWith(PENDING_RECONCILE_PREFIX) &&
  !partition.startsWith(REGISTRY_PREFIX) &&
  !partition.startsWith(FLEET_PREFIX) &&
  !partition.startsWith(CLUSTER_RATE_LIMIT_PREFIX);

/** Every stream: one row per stream in the sparse streamsByCluster index (a cheap keys-only scan). */
export async function indexedStreams(client: DynamoDBClient, table: string): Promise<string[]> {
  const streams = new Set<string>();
  for await (const item of scanPages(client, { TableName: table, IndexName: EVENT_LOG_STREAMS_INDEX })) streams.add(item[EVENT_LOG_PARTITION_KEY]!.S!);
  return [...streams].filter(isChainedStream).sort();
}

/**
 * Every stream that holds any item, by scanning the whole table (keys only): `log verify` must
 * also see a stream whose first commit — the one the index lists it by — was deleted.
 */
export async function allStreams(client: DynamoDBClient, table: string): Promise<string[]> {
  const streams = new Set<string>();
  const input: ScanCommandInput = { TableName: table, ProjectionExpression: '#s', ExpressionAttributeNames: { '#s': EVENT_LOG_PARTITION_KEY } };
  for await (const item of scanPages(client, input)) streams.add(item[EVENT_LOG_PARTITION_KEY]!.S!);
  return [...streams].filter(isChainedStream).sort();
}

/** Each stream's head: its last commit and the hash stored on it. */
export async function streamHeads(client: DynamoDBClient, table: string, streams: string[]): Promise<StreamHead[]> {
  const heads: StreamHead[] = [];
  for (let i = 0; i < streams.length; i += PARALLEL_QUERIES) {
    heads.push(...(await Promise.all(streams.slice(i, i + PARALLEL_QUERIES).map((stream) => headOf(client, table, stream)))).filter((h) => h !== undefined));
  }
  return heads;
}

async function headOf(client: DynamoDBClient, table: string, stream: string): Promise<StreamHead | undefined> {
  const { Items } = await client.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: '#s = :s',
      ExpressionAttributeNames: { '#s': EVENT_LOG_PARTITION_KEY, '#c': EVENT_LOG_SORT_KEY, '#h': EVENT_LOG_HASH_ATTRIBUTE },
      ExpressionAttributeValues: { ':s': { S: stream } },
      ProjectionExpression: '#c, #h',
      ScanIndexForward: false,
      Limit: 1,
      ConsistentRead: true,
    }),
  );
  const item = Items?.[0];
  if (!item) return undefined;
  const commit = Number(item[EVENT_LOG_SORT_KEY]!.N);
  if (!item[EVENT_LOG_HASH_ATTRIBUTE]?.B) throw new ChainBroken(stream, commit, 'it carries no chain hash');
  return { stream, commit, hash: hex(item[EVENT_LOG_HASH_ATTRIBUTE].B) };
}

async function* scanPages(client: DynamoDBClient, input: ScanCommandInput): AsyncIterable<Record<string, AttributeValue>> {
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(new ScanCommand({ ...input, ExclusiveStartKey: start }));
    yield* page.Items ?? [];
    start = page.LastEvaluatedKey;
  } while (start);
}

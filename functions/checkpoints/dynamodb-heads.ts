// What the checkpoint writer and `log verify` read from the event-log table: every chained
// stream, and each stream's head (its last commit and that commit's stored hash).
import { paginateScan, type AttributeValue, type DynamoDBClient, type ScanCommandInput } from '@aws-sdk/client-dynamodb';
import { storedHead } from '../adapters/event-store/chained-commits';
import { hex } from '../adapters/event-store/hash-chain';
import {
  CLUSTER_RATE_LIMIT_PREFIX,
  EVENT_LOG_PARTITION_KEY,
  EVENT_LOG_SNAPSHOT_SUFFIX,
  EVENT_LOG_STREAMS_INDEX,
  PENDING_RECONCILE_PREFIX,
} from '../adapters/event-store/keys';
import { ChainBroken } from '../adapters/event-store/port';
import type { StreamHead } from './checkpoint';

const PARALLEL_QUERIES = 16;

/**
 * Partitions of the table that are not chained streams: snapshots (a cache, rewritten and
 * pruned), the reconcile marks (updated, deleted) and the clusters' shared API token buckets
 * (mutable items rewritten on every lease). Every commit — a cluster's streams, the registry's,
 * the fleets' and their budget ledgers' — is chained (adapters/event-store/chained-commits.ts).
 */
export const isChainedStream = (partition: string): boolean =>
  !partition.endsWith(EVENT_LOG_SNAPSHOT_SUFFIX) && !partition.startsWith(PENDING_RECONCILE_PREFIX) && !partition.startsWith(CLUSTER_RATE_LIMIT_PREFIX);

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
  const head = await storedHead(client, table, stream);
  if (!head) return undefined;
  if (!head.hash) throw new ChainBroken(stream, head.commit, 'it carries no chain hash');
  return { stream, commit: head.commit, hash: hex(head.hash) };
}

async function* scanPages(client: DynamoDBClient, input: ScanCommandInput): AsyncIterable<Record<string, AttributeValue>> {
  for await (const page of paginateScan({ client }, input)) yield* page.Items ?? [];
}

// What the control loop would be billed on AWS, counted at the local runtime's seams as the
// operations happen: every DynamoDB request's read and write units (DynamoDB's own rules — 1 KB
// per write unit, 4 KB per read unit, a failed conditional write charged the existing item's size
// or 1), every PutEvents entry in 64 KB chunks, every SQS request in 64 KB chunks (sends, and the
// event source's receives and deletes, ≤ 10 messages each), every Lambda invocation and its
// duration. `awsBill` prices the counts with domain/aws-prices.ts and the stack's memory sizes.
import { GetItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { AWS_PRICES } from '../../domain/aws-prices';
import { FUNCTION_MEMORY_MB } from '../../infra/settings';
import { decodeEvents } from '../adapters/event-store/codec';
import { isConditionalCheckFailed } from '../adapters/dynamodb-errors';
import {
  CLUSTER_RATE_LIMIT_PREFIX,
  EVENT_LOG_CLUSTER_ATTRIBUTE,
  EVENT_LOG_EVENTS_ATTRIBUTE,
  EVENT_LOG_PARTITION_KEY,
  EVENT_LOG_SNAPSHOT_SUFFIX,
  EVENT_LOG_SORT_KEY,
  PENDING_RECONCILE_PREFIX,
} from '../adapters/event-store/keys';
import { DAEMONSET_DELETED, DAEMONSET_OBSERVED, RECONCILE_DECIDED, RELIST_COMPLETED } from '../../domain/events';
import { reconcileRequestBody, timerMessageBody } from '../adapters/sqs/messages';
import type { ReconcileQueue, TimerQueue } from '../loop/queues';
import { localDynamoDbClient } from './dynalite-server';

/** What the write units went to: the log's kinds of items, and the writes that lost their condition. */
export const WRITE_KINDS = ['observations', 'decisions', 'outcomes', 'snapshots', 'marks', 'rateLimit', 'index', 'other', 'failedConditional'] as const;
export type WriteKind = (typeof WRITE_KINDS)[number];
export type FunctionName = keyof typeof FUNCTION_MEMORY_MB;
export type QueueKind = 'fifo' | 'standard';

export interface MeteredCounts {
  eventBridgeEvents: number; // PutEvents entries, in 64 KB chunks
  lambda: Record<FunctionName, { invocations: number; ms: number }>;
  dynamoDb: {
    readUnits: number;
    writeUnits: Record<WriteKind, number>;
    requests: number;
    failedConditionalWrites: number;
    failedByKind: Partial<Record<WriteKind, number>>;
  };
  sqs: Record<QueueKind, number>; // requests, in 64 KB chunks
}

const CHUNK_64KB = 64 * 1024;
const SQS_BATCH = 10; // ReceiveMessage and DeleteMessageBatch take at most 10 messages
const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand']);
const READS = new Set(['GetItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand']);

const emptyCounts = (): MeteredCounts => ({
  eventBridgeEvents: 0,
  lambda: { ingest: { invocations: 0, ms: 0 }, reconcile: { invocations: 0, ms: 0 }, timer: { invocations: 0, ms: 0 } },
  dynamoDb: {
    readUnits: 0,
    writeUnits: Object.fromEntries(WRITE_KINDS.map((k) => [k, 0])) as Record<WriteKind, number>,
    requests: 0,
    failedConditionalWrites: 0,
    failedByKind: {},
  },
  sqs: { fifo: 0, standard: 0 },
});

export class AwsMeter {
  private current = emptyCounts();

  /** The counts since the meter started or was last reset (a copy). */
  get counts(): MeteredCounts {
    return structuredClone(this.current);
  }

  reset(): void {
    this.current = emptyCounts();
  }

  /**
   * Counts every request `client` sends. Each data-plane request asks for its consumed capacity
   * (dynalite answers as DynamoDB does for the table); the sparse streams index's write and a
   * failed conditional write's charge — the existing item's size, read here on a side client
   * that is not counted — are added, as DynamoDB charges them.
   */
  meterDynamoDb(client: DynamoDBClient, endpoint: string): void {
    const side = localDynamoDbClient(endpoint);
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const command = context.commandName ?? '';
        if (!WRITES.has(command) && !READS.has(command)) return next(args);
        const input = args.input as Record<string, unknown>;
        input.ReturnConsumedCapacity = 'TOTAL';
        this.current.dynamoDb.requests++;
        try {
          const result = await next(args);
          const output = result.output as { ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[] };
          const consumed = [output.ConsumedCapacity ?? []].flat().reduce((n, c) => n + (c.CapacityUnits ?? 0), 0);
          if (READS.has(command)) this.current.dynamoDb.readUnits += Math.max(consumed, input.ConsistentRead ? 1 : 0.5);
          else this.countWrite(input, consumed);
          return result;
        } catch (error) {
          if (WRITES.has(command) && isConditionalCheckFailed(error)) await this.countFailedWrite(side, input);
          throw error;
        }
      },
      { step: 'initialize', name: 'awsMeter' },
    );
  }

  putEvents(entries: readonly PutEventsRequestEntry[]): void {
    for (const entry of entries) this.current.eventBridgeEvents += Math.max(1, Math.ceil(putEventsEntrySize(entry) / CHUNK_64KB));
  }

  sqsSend(queue: QueueKind, body: string): void {
    this.current.sqs[queue] += Math.max(1, Math.ceil(Buffer.byteLength(body) / CHUNK_64KB));
  }

  /** The reconcile queue (FIFO): one SendMessage per request, deduplicated or not (SQS bills both). */
  reconcileQueue(queue: ReconcileQueue): ReconcileQueue {
    return {
      enqueue: (key, dedupId, cause) => {
        this.sqsSend('fifo', reconcileRequestBody(key, cause));
        return queue.enqueue(key, dedupId, cause);
      },
    };
  }

  /** The timer queue (standard, per-message delay): one SendMessage per wake-up. */
  timerQueue(queue: TimerQueue): TimerQueue {
    return {
      schedule: (key, dueAt, reason) => {
        this.sqsSend('standard', timerMessageBody({ key, dueAt, reason }));
        return queue.schedule(key, dueAt, reason);
      },
    };
  }

  /**
   * One invocation of `fn` by its queue's event source for `bodies`: the receives that fetched
   * them, the invocation and its duration, the delete of the batch.
   */
  async invocation<T>(fn: FunctionName, queue: QueueKind, bodies: readonly string[], run: () => Promise<T>): Promise<T> {
    const requests = Math.ceil(bodies.length / SQS_BATCH);
    const payload = Math.ceil(bodies.reduce((n, b) => n + Buffer.byteLength(b), 0) / CHUNK_64KB);
    this.current.sqs[queue] += Math.max(requests, payload) + requests; // receive, then delete
    const start = performance.now();
    try {
      return await run();
    } finally {
      this.current.lambda[fn].invocations++;
      this.current.lambda[fn].ms += Math.ceil(performance.now() - start); // Lambda bills by the millisecond, rounded up
    }
  }

  private countWrite(input: Record<string, unknown>, consumed: number): void {
    const items = writtenItems(input);
    const units = this.current.dynamoDb.writeUnits;
    // dynalite's figure is for the whole request: spread over its items by their own size.
    const sizes = items.map((i) => Math.max(1, Math.ceil(attributesSize(i) / 1024)));
    const total = sizes.reduce((a, b) => a + b, 0);
    items.forEach((item, i) => {
      units[writeKind(item)] += total > 0 ? (consumed * sizes[i]!) / total : 0;
      // The streams index is sparse and KEYS_ONLY: a stream's first commit adds one small index item.
      if (item[EVENT_LOG_CLUSTER_ATTRIBUTE]) units.index += 1;
    });
    if (items.length === 0) units.other += consumed;
  }

  private async countFailedWrite(side: DynamoDBClient, input: Record<string, unknown>): Promise<void> {
    const key = (input.Key ?? keyOf(input.Item as Record<string, AttributeValue>)) as Record<string, AttributeValue>;
    const { Item } = await side.send(new GetItemCommand({ TableName: input.TableName as string, Key: key, ConsistentRead: true }));
    this.current.dynamoDb.failedConditionalWrites++;
    const kind = writeKind((input.Item ?? input.Key) as Record<string, AttributeValue>); // what the lost write would have been
    this.current.dynamoDb.failedByKind[kind] = (this.current.dynamoDb.failedByKind[kind] ?? 0) + 1;
    this.current.dynamoDb.writeUnits.failedConditional += Item ? Math.max(1, Math.ceil(attributesSize(Item) / 1024)) : 1;
  }
}

/** The Lambda-invocation, SQS and EventBridge parts of the bill, and DynamoDB's, in USD at AWS_PRICES. */
export interface AwsBill {
  usd: number;
  breakdown: { eventBridge: number; lambdaRequests: number; lambdaCompute: number; dynamoDbWrites: number; dynamoDbReads: number; sqs: number };
  writeUnits: number;
  readUnits: number;
  gbSeconds: number;
}

export function awsBill(counts: MeteredCounts, prices = AWS_PRICES, memoryMb: Record<FunctionName, number> = FUNCTION_MEMORY_MB): AwsBill {
  const fns = Object.keys(counts.lambda) as FunctionName[];
  const invocations = fns.reduce((n, f) => n + counts.lambda[f].invocations, 0);
  const gbSeconds = fns.reduce((n, f) => n + (counts.lambda[f].ms / 1000) * (memoryMb[f] / 1024), 0);
  const writeUnits = WRITE_KINDS.reduce((n, k) => n + counts.dynamoDb.writeUnits[k], 0);
  const breakdown = {
    eventBridge: counts.eventBridgeEvents * prices.eventBridgeCustomEventUsd,
    lambdaRequests: invocations * prices.lambdaRequestUsd,
    lambdaCompute: gbSeconds * prices.lambdaGbSecondArmUsd,
    dynamoDbWrites: writeUnits * prices.dynamoDbWriteRequestUnitUsd,
    dynamoDbReads: counts.dynamoDb.readUnits * prices.dynamoDbReadRequestUnitUsd,
    sqs: counts.sqs.fifo * prices.sqsFifoRequestUsd + counts.sqs.standard * prices.sqsStandardRequestUsd,
  };
  const usd = Object.values(breakdown).reduce((a, b) => a + b, 0);
  return { usd, breakdown, writeUnits, readUnits: counts.dynamoDb.readUnits, gbSeconds };
}

/** A PutEvents entry's size as EventBridge bills it: Time (14 bytes), Source, DetailType, Detail, Resources. */
export function putEventsEntrySize(entry: PutEventsRequestEntry): number {
  const utf8 = (s: string | undefined) => (s ? Buffer.byteLength(s) : 0);
  return (entry.Time ? 14 : 0) + utf8(entry.Source) + utf8(entry.DetailType) + utf8(entry.Detail) + (entry.Resources ?? []).reduce((n, r) => n + utf8(r), 0);
}

/** An item's size as DynamoDB bills it: each attribute's name plus its value. */
export function attributesSize(item: Record<string, AttributeValue>): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) bytes += Buffer.byteLength(name) + valueSize(value);
  return bytes;
}

function valueSize(v: AttributeValue): number {
  if (v.S !== undefined) return Buffer.byteLength(v.S);
  if (v.N !== undefined) return numberSize(v.N);
  if (v.B !== undefined) return v.B.byteLength;
  if (v.BOOL !== undefined || v.NULL !== undefined) return 1;
  if (v.SS) return v.SS.reduce((n, s) => n + Buffer.byteLength(s), 0);
  if (v.NS) return v.NS.reduce((n, s) => n + numberSize(s), 0);
  if (v.BS) return v.BS.reduce((n, b) => n + b.byteLength, 0);
  if (v.L) return 3 + v.L.reduce((n, e) => n + 1 + valueSize(e), 0);
  if (v.M) return 3 + Object.entries(v.M).reduce((n, [k, e]) => n + 1 + Buffer.byteLength(k) + valueSize(e), 0);
  return 0;
}

/** Numbers: about one byte per two significant digits, plus one. */
function numberSize(n: string): number {
  const digits = n.replace(/^-/, '').replace(/e.*$/i, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '').length;
  return Math.ceil(Math.max(digits, 1) / 2) + 1;
}

function writtenItems(input: Record<string, unknown>): Record<string, AttributeValue>[] {
  if (input.Item) return [input.Item as Record<string, AttributeValue>];
  if (input.Key) return [input.Key as Record<string, AttributeValue>];
  const requests = Object.values(
    (input.RequestItems ?? {}) as Record<
      string,
      { PutRequest?: { Item: Record<string, AttributeValue> }; DeleteRequest?: { Key: Record<string, AttributeValue> } }[]
    >,
  ).flat();
  return requests.map((r) => r.PutRequest?.Item ?? r.DeleteRequest?.Key ?? {});
}

const keyOf = (item: Record<string, AttributeValue>) => ({
  [EVENT_LOG_PARTITION_KEY]: item[EVENT_LOG_PARTITION_KEY]!,
  [EVENT_LOG_SORT_KEY]: item[EVENT_LOG_SORT_KEY]!,
});

/** Which part of the log an item belongs to, from its key (and, for a DaemonSet's commit, its events). */
function writeKind(item: Record<string, AttributeValue>): WriteKind {
  const stream = item[EVENT_LOG_PARTITION_KEY]?.S ?? '';
  if (stream.endsWith(EVENT_LOG_SNAPSHOT_SUFFIX)) return 'snapshots';
  if (stream.startsWith(PENDING_RECONCILE_PREFIX)) return 'marks';
  if (stream.startsWith(CLUSTER_RATE_LIMIT_PREFIX)) return 'rateLimit';
  const events = item[EVENT_LOG_EVENTS_ATTRIBUTE]?.B;
  if (!events) return 'other';
  if (!stream.includes('/daemonsets/')) return 'observations';
  const types = decodeEvents(events).map((e) => e.type);
  if (types.includes(RECONCILE_DECIDED)) return 'decisions';
  const observed = new Set<string>([DAEMONSET_OBSERVED, DAEMONSET_DELETED, RELIST_COMPLETED]);
  return types.every((t) => observed.has(t)) ? 'observations' : 'outcomes';
}

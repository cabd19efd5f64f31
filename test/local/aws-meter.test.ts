// The AWS meter counts what DynamoDB, EventBridge, SQS and Lambda would bill, on tiny scenarios
// whose units are known by hand: a write of a known item size, a failed conditional write (charged
// the existing item's size, or 1 when there is none), reads in 4 KB units, PutEvents and SQS in
// 64 KB chunks, and the bill at the list prices.
import { GetItemCommand, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWS_PRICES } from '../../domain/aws-prices';
import { NODE_OBSERVED } from '../../domain/events';
import { DynamoDbEventStore } from '../../functions/adapters/event-store/dynamodb';
import { EVENT_LOG_TABLE_NAME } from '../../functions/adapters/event-store/keys';
import { StreamVersionConflict } from '../../functions/adapters/event-store/port';
import { createEventLogTable } from '../../functions/adapters/event-store/table';
import { AwsMeter, awsBill, putEventsEntrySize } from '../../functions/local/aws-meter';
import { startLocalDynamoDb, type LocalDynamoDb } from '../../functions/local/dynalite-server';
import { FUNCTION_MEMORY_MB } from '../../infra/settings';

let dynamodb: LocalDynamoDb;
const meter = new AwsMeter();
beforeAll(async () => {
  dynamodb = await startLocalDynamoDb();
  await createEventLogTable(dynamodb.client, EVENT_LOG_TABLE_NAME);
  meter.meterDynamoDb(dynamodb.client, dynamodb.endpoint);
});
afterAll(() => dynamodb.close());

const TABLE = EVENT_LOG_TABLE_NAME;
/** An item of exactly `bytes` billed bytes: attribute names and values, as DynamoDB sizes them. */
function itemOf(bytes: number, stream = 'other/x') {
  const fixed = 'streamId'.length + stream.length + 'commit'.length + 2 + 'blob'.length; // commit 1: one digit = 2 bytes
  return { streamId: { S: stream }, commit: { N: '1' }, blob: { B: new Uint8Array(bytes - fixed) } };
}

describe('DynamoDB units', () => {
  it('a write costs one unit per started kilobyte; a failed conditional write costs the existing item, or 1', async () => {
    meter.reset();
    await dynamodb.client.send(new PutItemCommand({ TableName: TABLE, Item: itemOf(2_100) }));
    expect(meter.counts.dynamoDb.writeUnits.other).toBe(3); // 2,100 bytes: 3 KB started

    const lose = (item: ReturnType<typeof itemOf>) =>
      dynamodb.client.send(
        new PutItemCommand({ TableName: TABLE, Item: item, ConditionExpression: 'attribute_not_exists(#c)', ExpressionAttributeNames: { '#c': 'commit' } }),
      );
    await expect(lose(itemOf(500))).rejects.toThrow(); // the 2,100-byte item is there: charged 3, not the new item's 1
    expect(meter.counts.dynamoDb.failedConditionalWrites).toBe(1);
    expect(meter.counts.dynamoDb.writeUnits.failedConditional).toBe(3);

    const absent = {
      TableName: TABLE,
      Item: itemOf(5_000, 'other/y'),
      ConditionExpression: 'attribute_exists(#c)',
      ExpressionAttributeNames: { '#c': 'commit' },
    };
    await expect(dynamodb.client.send(new PutItemCommand(absent))).rejects.toThrow(); // nothing there: charged 1
    expect(meter.counts.dynamoDb.writeUnits.failedConditional).toBe(4);
    expect(meter.counts.dynamoDb.writeUnits.other).toBe(3); // failed writes are not counted twice
  });

  it("counts the log's appends by kind, a lost race included, and the streams index", async () => {
    meter.reset();
    const store = new DynamoDbEventStore(dynamodb.client, TABLE);
    const racer = new DynamoDbEventStore(dynamodb.client, TABLE); // another Lambda environment
    const node = {
      type: NODE_OBSERVED,
      clusterId: 'meter',
      time: '2026-01-01T00:00:00.000Z',
      node: { metadata: { name: 'n1', uid: 'u1', resourceVersion: '1' } },
    } as never;
    await store.append('meter/nodes', 0, [node]);
    expect(meter.counts.dynamoDb.writeUnits.observations).toBe(1);
    expect(meter.counts.dynamoDb.writeUnits.index).toBe(1); // the stream's first commit enters the sparse index
    await expect(racer.append('meter/nodes', 0, [node])).rejects.toBeInstanceOf(StreamVersionConflict);
    expect(meter.counts.dynamoDb.writeUnits.failedConditional).toBe(1);
    expect(meter.counts.dynamoDb.writeUnits.observations).toBe(1);
  });

  it('reads cost one unit per 4 KB, half when eventually consistent, at least one', async () => {
    await dynamodb.client.send(new PutItemCommand({ TableName: TABLE, Item: itemOf(9_000, 'other/big') }));
    meter.reset();
    const key = { streamId: { S: 'other/big' }, commit: { N: '1' } };
    await dynamodb.client.send(new GetItemCommand({ TableName: TABLE, Key: key, ConsistentRead: true }));
    expect(meter.counts.dynamoDb.readUnits).toBe(3); // 9,000 bytes: 3 × 4 KB
    await dynamodb.client.send(new GetItemCommand({ TableName: TABLE, Key: key }));
    expect(meter.counts.dynamoDb.readUnits).toBe(4.5);
    await dynamodb.client.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'streamId = :s',
        ExpressionAttributeValues: { ':s': { S: 'nothing/here' } },
        ConsistentRead: true,
      }),
    );
    expect(meter.counts.dynamoDb.readUnits).toBe(5.5); // an empty query still costs a unit
  });
});

describe('EventBridge, SQS and Lambda', () => {
  it('bills PutEvents entries and SQS requests by 64 KB chunk, receives and deletes by ten messages', async () => {
    meter.reset();
    const small = { Source: 'daemonloop.forwarder', DetailType: 'NodeObserved', Detail: '{}' };
    const large = { ...small, Detail: JSON.stringify({ pad: 'x'.repeat(70 * 1024) }) };
    expect(putEventsEntrySize({ ...small, Time: new Date() })).toBe(14 + 20 + 12 + 2);
    meter.putEvents([small, large]);
    expect(meter.counts.eventBridgeEvents).toBe(3); // 1 + 2 chunks

    meter.sqsSend('fifo', 'x'.repeat(130 * 1024)); // 3 chunks
    await meter.invocation(
      'ingest',
      'standard',
      Array.from({ length: 25 }, () => '{}'),
      async () => undefined,
    );
    expect(meter.counts.sqs).toEqual({ fifo: 3, standard: 6 }); // 3 receives + 3 deletes
    expect(meter.counts.lambda.ingest.invocations).toBe(1);
  });

  it("prices the counts at AWS_PRICES and the stack's memory sizes", () => {
    const counts = meter.counts;
    counts.lambda.reconcile = { invocations: 2, ms: 1_500 };
    counts.dynamoDb.writeUnits.decisions = 10;
    counts.dynamoDb.readUnits = 4;
    const bill = awsBill(counts);
    expect(bill.gbSeconds).toBeCloseTo(1.5 * (FUNCTION_MEMORY_MB.reconcile / 1024) + (counts.lambda.ingest.ms / 1000) * (FUNCTION_MEMORY_MB.ingest / 1024));
    expect(bill.breakdown.eventBridge).toBeCloseTo(3 * AWS_PRICES.eventBridgeCustomEventUsd);
    expect(bill.breakdown.lambdaRequests).toBeCloseTo(3 * AWS_PRICES.lambdaRequestUsd);
    expect(bill.breakdown.dynamoDbWrites).toBeCloseTo(10 * AWS_PRICES.dynamoDbWriteRequestUnitUsd);
    expect(bill.breakdown.dynamoDbReads).toBeCloseTo(4 * AWS_PRICES.dynamoDbReadRequestUnitUsd);
    expect(bill.breakdown.sqs).toBeCloseTo(3 * AWS_PRICES.sqsFifoRequestUsd + 6 * AWS_PRICES.sqsStandardRequestUsd);
    expect(bill.usd).toBeCloseTo(
      Object.values(bill.breakdown).reduce((a, b) => a + b, 0),
      12,
    );
  });
});

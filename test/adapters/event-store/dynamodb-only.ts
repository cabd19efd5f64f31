// What only the DynamoDB adapter does: size items as DynamoDB does, and chunk snapshots — trusting
// only whole ones and pruning old ones.
import { DeleteItemCommand, PutItemCommand, QueryCommand, UpdateItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import type { DynamoDbEventStore } from '../../../functions/adapters/event-store/dynamodb';
import { itemSize, MAX_ITEM_BYTES } from '../../../functions/adapters/event-store/item-size';
import { EVENT_LOG_PARTITION_KEY, EVENT_LOG_SORT_KEY, SNAPSHOT_CHUNK_SLOTS } from '../../../functions/adapters/event-store/keys';

interface Subject {
  store: DynamoDbEventStore;
  client: DynamoDBClient;
  table: string;
}

// Random text barely compresses: 150,000 entries gzip to several 350 KB chunks.
const incompressible = () => JSON.stringify(Array.from({ length: 150_000 }, () => Math.random().toString(36)));
const key = (partition: string, sk: number) => ({ [EVENT_LOG_PARTITION_KEY]: { S: partition }, [EVENT_LOG_SORT_KEY]: { N: String(sk) } });

export function dynamoDbOnlyBehaviour(name: string, subject: () => Subject): void {
  describe(`DynamoDB adapter on ${name}`, () => {
    it('sizes an item as DynamoDB does: exactly the limit is accepted, one byte more refused', async () => {
      const { client, table } = subject();
      const item = (pad: number) => ({ [EVENT_LOG_PARTITION_KEY]: 'size/probe', [EVENT_LOG_SORT_KEY]: 1, events: 'x'.repeat(pad) });
      const pad = MAX_ITEM_BYTES - itemSize(item(0));
      expect(itemSize(item(pad))).toBe(MAX_ITEM_BYTES);
      const put = (pad: number) => client.send(new PutItemCommand({ TableName: table, Item: { ...key('size/probe', 1), events: { S: 'x'.repeat(pad) } } }));
      await expect(put(pad)).resolves.toBeDefined();
      await expect(put(pad + 1)).rejects.toThrow(/size/i);
    });

    it('ignores a snapshot missing a chunk and falls back to the one before', async () => {
      const { store, client, table } = subject();
      const stream = `c1/nodes-partial-${Math.random().toString(36).slice(2)}`;
      await store.saveSnapshot(stream, { commit: 100, state: '{"older":true}' });
      await store.saveSnapshot(stream, { commit: 200, state: incompressible() });
      await client.send(new DeleteItemCommand({ TableName: table, Key: key(`${stream}#snapshot`, 200 * SNAPSHOT_CHUNK_SLOTS + 1) }));
      expect((await store.loadSnapshot(stream))?.state).toBe('{"older":true}');
    });

    it('ignores a snapshot whose chunks do not add up to its digest', async () => {
      const { store, client, table } = subject();
      const stream = `c1/nodes-mixed-${Math.random().toString(36).slice(2)}`;
      await store.saveSnapshot(stream, { commit: 100, state: '{"older":true}' });
      await store.saveSnapshot(stream, { commit: 200, state: '{"newer":true}' });
      await client.send(
        new UpdateItemCommand({
          TableName: table,
          Key: key(`${stream}#snapshot`, 200 * SNAPSHOT_CHUNK_SLOTS),
          UpdateExpression: 'SET #b = :b',
          ExpressionAttributeNames: { '#b': 'snapshot' },
          ExpressionAttributeValues: { ':b': { B: new Uint8Array([1, 2, 3]) } },
        }),
      );
      expect(await store.loadSnapshot(stream)).toEqual({ commit: 100, state: '{"older":true}' });
    });

    it('keeps only the two newest snapshots', async () => {
      const { store, client, table } = subject();
      const stream = `c1/nodes-pruned-${Math.random().toString(36).slice(2)}`;
      for (const commit of [100, 200, 300]) await store.saveSnapshot(stream, { commit, state: incompressible() });
      const commits = new Set<number>();
      let start: Record<string, AttributeValue> | undefined;
      do {
        const page = await client.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: '#s = :s',
            ExpressionAttributeNames: { '#s': EVENT_LOG_PARTITION_KEY, '#c': EVENT_LOG_SORT_KEY },
            ExpressionAttributeValues: { ':s': { S: `${stream}#snapshot` } },
            ProjectionExpression: '#c',
            ConsistentRead: true,
            ExclusiveStartKey: start,
          }),
        );
        for (const item of page.Items ?? []) commits.add(Math.floor(Number(item[EVENT_LOG_SORT_KEY]!.N) / SNAPSHOT_CHUNK_SLOTS));
        start = page.LastEvaluatedKey;
      } while (start);
      expect([...commits].sort()).toEqual([200, 300]);
    });
  });
}

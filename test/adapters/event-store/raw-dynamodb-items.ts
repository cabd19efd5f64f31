// The table's items reached past the store, for the contract's tampering tests.
import { DeleteItemCommand, GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { fromAttributes, toAttributes } from '../../../functions/adapters/event-store/dynamodb';
import { EVENT_LOG_PARTITION_KEY, EVENT_LOG_SORT_KEY } from '../../../functions/adapters/event-store/keys';
import type { RawItems } from './contract';

export function rawDynamoDbItems(client: DynamoDBClient, table: string): RawItems {
  const key = (streamId: string, commit: number) => ({ [EVENT_LOG_PARTITION_KEY]: { S: streamId }, [EVENT_LOG_SORT_KEY]: { N: String(commit) } });
  return {
    async get(streamId, commit) {
      const { Item } = await client.send(new GetItemCommand({ TableName: table, Key: key(streamId, commit), ConsistentRead: true }));
      if (!Item) throw new Error(`no item ${streamId} ${commit}`);
      return fromAttributes(Item);
    },
    put: async (item) => void (await client.send(new PutItemCommand({ TableName: table, Item: toAttributes(item) }))),
    delete: async (streamId, commit) => void (await client.send(new DeleteItemCommand({ TableName: table, Key: key(streamId, commit) }))),
  };
}

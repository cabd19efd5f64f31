// The event-log table, created the way infra/ defines it (same keys, same sparse index). For tests
// and the local runtime; idempotent, so a restart against a persistent dynalite is fine.
import { CreateTableCommand, DescribeTableCommand, ResourceInUseException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EVENT_LOG_CLUSTER_ATTRIBUTE, EVENT_LOG_PARTITION_KEY, EVENT_LOG_SORT_KEY, EVENT_LOG_STREAMS_INDEX } from './keys';

export async function createEventLogTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: EVENT_LOG_PARTITION_KEY, AttributeType: 'S' },
          { AttributeName: EVENT_LOG_SORT_KEY, AttributeType: 'N' },
          { AttributeName: EVENT_LOG_CLUSTER_ATTRIBUTE, AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: EVENT_LOG_PARTITION_KEY, KeyType: 'HASH' },
          { AttributeName: EVENT_LOG_SORT_KEY, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: EVENT_LOG_STREAMS_INDEX,
            KeySchema: [
              { AttributeName: EVENT_LOG_CLUSTER_ATTRIBUTE, KeyType: 'HASH' },
              { AttributeName: EVENT_LOG_PARTITION_KEY, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'KEYS_ONLY' },
          },
        ],
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await untilActive(client, tableName);
}

async function untilActive(client: DynamoDBClient, tableName: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const indexesActive = (Table?.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE');
    if (Table?.TableStatus === 'ACTIVE' && indexesActive) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`table ${tableName} did not become ACTIVE`);
}

// The event-log table, created the way infra/ defines it (same keys, same sparse index). For tests
// and the local runtime; idempotent, so a restart against a persistent dynalite is fine.
import { CreateTableCommand, DescribeTableCommand, ResourceInUseException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EVENT_LOG_CLUSTER_ATTRIBUTE, EVENT_LOG_PARTITION_KEY, EVENT_LOG_SORT_KEY, EVENT_LOG_STREAMS_INDEX } from './keys';

/** The table's shape as CreateTable (and CloudFormation, whose property names are the same) takes it. */
export const eventLogTableShape = (tableName: string) => ({
  TableName: tableName,
  BillingMode: 'PAY_PER_REQUEST' as const,
  AttributeDefinitions: [
    { AttributeName: EVENT_LOG_PARTITION_KEY, AttributeType: 'S' as const },
    { AttributeName: EVENT_LOG_SORT_KEY, AttributeType: 'N' as const },
    { AttributeName: EVENT_LOG_CLUSTER_ATTRIBUTE, AttributeType: 'S' as const },
  ],
  KeySchema: [
    { AttributeName: EVENT_LOG_PARTITION_KEY, KeyType: 'HASH' as const },
    { AttributeName: EVENT_LOG_SORT_KEY, KeyType: 'RANGE' as const },
  ],
  GlobalSecondaryIndexes: [
    {
      IndexName: EVENT_LOG_STREAMS_INDEX,
      KeySchema: [
        { AttributeName: EVENT_LOG_CLUSTER_ATTRIBUTE, KeyType: 'HASH' as const },
        { AttributeName: EVENT_LOG_PARTITION_KEY, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'KEYS_ONLY' as const },
    },
  ],
});

export async function createEventLogTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new CreateTableCommand(eventLogTableShape(tableName)));
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

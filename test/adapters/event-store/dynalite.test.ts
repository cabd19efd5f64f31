// The contract on dynalite, in process; plus what only the DynamoDB adapter does (chunked snapshots).
import { afterAll, beforeAll } from 'vitest';
import { DynamoDbEventStore } from '../../../functions/adapters/event-store/dynamodb';
import { createEventLogTable } from '../../../functions/adapters/event-store/table';
import { startDynalite, type DynamoDbServer } from '../../support/dynalite';
import { eventStoreContract } from './contract';
import { dynamoDbOnlyBehaviour } from './dynamodb-only';
import { rawDynamoDbItems } from './raw-dynamodb-items';

let server: DynamoDbServer;
let store: DynamoDbEventStore;
beforeAll(async () => {
  server = await startDynalite();
  await createEventLogTable(server.client, 'log');
  await createEventLogTable(server.client, 'log'); // idempotent
  store = new DynamoDbEventStore(server.client, 'log');
});
afterAll(() => server.close());

eventStoreContract('dynalite', () => ({ store, fresh: () => new DynamoDbEventStore(server.client, 'log'), items: rawDynamoDbItems(server.client, 'log') }));
dynamoDbOnlyBehaviour('dynalite', () => ({ store, client: server.client, table: 'log' }));

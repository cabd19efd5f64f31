// An in-process dynalite on 127.0.0.1, a free port, in memory: a real DynamoDB API for tests.
// The local runtime's starter (functions/local/dynalite-server.ts), with a client that does not
// retry, so a test sees each refusal.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startLocalDynamoDb } from '../../functions/local/dynalite-server';

export interface DynamoDbServer {
  endpoint: string;
  client: DynamoDBClient;
  close(): Promise<void>;
}

export async function startDynalite(): Promise<DynamoDbServer> {
  const server = await startLocalDynamoDb();
  const client = localClient(server.endpoint);
  return {
    endpoint: server.endpoint,
    client,
    close: async () => {
      client.destroy(); // open keep-alive sockets would hold the server open
      await server.close();
    },
  };
}

export const localClient = (endpoint: string): DynamoDBClient =>
  new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });

// PendingReconciles in the event-log table: one item per DaemonSet (`queue/<stream id>`, commit
// 0) whose `requestedAt` says a request is waiting in the FIFO queue. A claim is a conditional
// write; starting a reconcile deletes the item. This is what keeps a burst of a hundred pod
// events from becoming a hundred reconciles and a hundred status writes.
import { randomUUID } from 'node:crypto';
import { DeleteItemCommand, GetItemCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { daemonSetStreamId, type DaemonSetKey } from '../../../domain/streams';
import type { Clock } from '../../clock';
import { isConditionalCheckFailed } from '../dynamodb-errors';
import type { PendingReconciles } from '../../loop/queues';
import { EVENT_LOG_PARTITION_KEY, EVENT_LOG_SORT_KEY, PENDING_RECONCILE_PREFIX } from '../event-store/keys';

/** Longer than a request can wait in the FIFO queue for its group under normal load. */
export const STALE_REQUEST_MS = 30_000;

const markKey = (key: DaemonSetKey) => ({
  [EVENT_LOG_PARTITION_KEY]: { S: `${PENDING_RECONCILE_PREFIX}${daemonSetStreamId(key)}` },
  [EVENT_LOG_SORT_KEY]: { N: '0' },
});

export class DynamoDbPendingReconciles implements PendingReconciles {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  async claim(key: DaemonSetKey): Promise<string | undefined> {
    const now = this.clock.now().getTime();
    const claimId = randomUUID();
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: markKey(key),
          UpdateExpression: 'SET requestedAt = :now, claimId = :claim',
          ConditionExpression: 'attribute_not_exists(requestedAt) OR requestedAt < :stale',
          ExpressionAttributeValues: { ':now': { N: String(now) }, ':stale': { N: String(now - STALE_REQUEST_MS) }, ':claim': { S: claimId } },
        }),
      );
      return claimId;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
  }

  async release(key: DaemonSetKey): Promise<void> {
    await this.client.send(new DeleteItemCommand({ TableName: this.tableName, Key: markKey(key) }));
  }

  started(key: DaemonSetKey): Promise<void> {
    return this.release(key);
  }

  async waiting(key: DaemonSetKey): Promise<boolean> {
    const { Item } = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: markKey(key), ConsistentRead: true }));
    const requestedAt = Number(Item?.requestedAt?.N ?? Number.NaN);
    return requestedAt >= this.clock.now().getTime() - STALE_REQUEST_MS;
  }
}

// The cluster API's rate limit shared by every reconcile of the cluster, wherever it runs: a
// token bucket (client-go's qps/burst) kept as one item of the event-log table. Ten concurrent
// Lambda environments each with a bucket of their own would send ten times the QPS to one API
// server; here each takes tokens from the shared item with a conditional write (the refill is
// computed from the time the item was last written, so a lost race just reads and tries again).
//
// Tokens are leased a few at a time (a write per `lease` requests, not per request) and a lease
// expires after the time it represents (lease / qps), so held tokens cannot pile up: over any
// window w, requests ≤ burst + qps·w + one lease per environment.
import { GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Clock } from '../../clock';
import { isConditionalCheckFailed } from '../dynamodb-errors';
import { CLUSTER_RATE_LIMIT_PREFIX, EVENT_LOG_PARTITION_KEY, EVENT_LOG_SORT_KEY } from '../event-store/keys';
import type { RateLimiter } from './rate-limiter';

export interface SharedTokenBucketOptions {
  qps: number;
  burst: number;
  /** Tokens per conditional write (default: a quarter second of QPS, at least 1). */
  lease?: number;
}

export class SharedTokenBucket implements RateLimiter {
  private held = 0;
  private heldUntil = 0;
  private readonly lease: number;
  private readonly key;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    clusterId: string,
    private readonly clock: Clock,
    private readonly options: SharedTokenBucketOptions,
  ) {
    if (!(options.qps > 0) || !(options.burst >= 1))
      throw new Error(`a token bucket needs qps > 0 and burst ≥ 1 (got qps ${options.qps}, burst ${options.burst})`);
    this.lease = Math.max(1, Math.min(options.burst, options.lease ?? Math.floor(options.qps / 4)));
    this.key = { [EVENT_LOG_PARTITION_KEY]: { S: `${CLUSTER_RATE_LIMIT_PREFIX}${clusterId}` }, [EVENT_LOG_SORT_KEY]: { N: '0' } };
  }

  async acquire(): Promise<void> {
    for (;;) {
      const now = this.clock.now().getTime();
      if (this.held > 0 && now < this.heldUntil) {
        this.held--;
        return;
      }
      const wait = await this.take(now);
      if (wait > 0) await this.clock.sleep(wait);
    }
  }

  /** Leases tokens from the shared item: 0 when some were taken, else how long to wait (ms). */
  private async take(now: number): Promise<number> {
    const { qps, burst } = this.options;
    const { Item } = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: this.key, ConsistentRead: true }));
    // `version` orders the writes: two takes in the same millisecond must not both succeed.
    const version = Item?.version?.N;
    const writtenAt = Number(Item?.at?.N ?? now);
    const since = Math.max(0, now - writtenAt);
    const available = version === undefined ? burst : Math.min(burst, Number(Item!.tokens!.N) + (since / 1000) * qps);
    if (available < 1) return Math.ceil(((this.lease - available) / qps) * 1000); // until a whole lease has refilled: fewer wake-ups racing for it
    const taken = Math.min(this.lease, Math.floor(available));
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            ...this.key,
            tokens: { N: String(available - taken) },
            at: { N: String(Math.max(now, writtenAt)) },
            version: { N: String(Number(version ?? 0) + 1) },
          },
          ConditionExpression: version === undefined ? 'attribute_not_exists(#version)' : '#version = :version',
          ExpressionAttributeNames: { '#version': 'version' },
          ...(version === undefined ? {} : { ExpressionAttributeValues: { ':version': { N: version } } }),
        }),
      );
    } catch (error) {
      if (isConditionalCheckFailed(error)) return 0; // another environment took tokens first: read again
      throw error;
    }
    this.held = taken;
    this.heldUntil = now + (taken / qps) * 1000;
    return 0;
  }
}

// The cluster registry: an append-only stream `registry/clusters` in the event-log table — its
// own key space (`registry/…`), which only the operator's CLI role may write: the loop's
// functions may only read it (infra/constructs/event-log.ts). One conditional PutItem per change
// (the table's own optimistic concurrency), folded on read. A
// warm function keeps the fold for a while; an unknown cluster always forces a fresh read, so a
// cluster registered a second ago is never rejected.
import { paginateQuery, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { EVENT_LOG_EVENTS_ATTRIBUTE, EVENT_LOG_PARTITION_KEY, EVENT_LOG_SORT_KEY, EVENT_LOG_TIME_ATTRIBUTE, REGISTRY_KEY_PREFIX } from '../adapters/event-store/keys';
import { isConditionalCheckFailed } from '../adapters/dynamodb-errors';
import type { Clock } from '../clock';
import { validateClusterRecord, type ClusterRecord } from './cluster-record';

/** In the registry's own partitions; no cluster id may start a stream there (domain/cluster-id.ts reserves `registry`). */
export const REGISTRY_STREAM_ID = `${REGISTRY_KEY_PREFIX}clusters`;
const CACHE_MS = 30_000;
const APPEND_ATTEMPTS = 5;

type RegistryChange =
  | { type: 'ClusterRegistered'; cluster: ClusterRecord }
  | { type: 'ClusterDeregistered'; clusterId: string }
  | { type: 'ClusterLabeled'; clusterId: string; set: Record<string, string>; remove: string[] };

export interface ClusterRegistry {
  lookup(clusterId: string): Promise<ClusterRecord | undefined>;
  list(): Promise<ClusterRecord[]>;
  register(cluster: ClusterRecord): Promise<void>;
  deregister(clusterId: string): Promise<void>;
  /** Sets and removes labels of a registered cluster (a change of its own, so concurrent label edits merge). */
  label(clusterId: string, set: Record<string, string>, remove: string[]): Promise<void>;
}

export class DynamoDbClusterRegistry implements ClusterRegistry {
  private cache?: { clusters: Map<string, ClusterRecord>; commit: number; readAt: number };

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  async lookup(clusterId: string): Promise<ClusterRecord | undefined> {
    const cached = this.cache && this.clock.now().getTime() - this.cache.readAt < CACHE_MS ? this.cache : undefined;
    return cached?.clusters.get(clusterId) ?? (await this.read()).clusters.get(clusterId);
  }

  async list(): Promise<ClusterRecord[]> {
    return [...(await this.read()).clusters.values()];
  }

  /** Throws InvalidClusterRecord, naming the rule, before writing anything. */
  async register(cluster: ClusterRecord): Promise<void> {
    validateClusterRecord(cluster);
    return this.append({ type: 'ClusterRegistered', cluster });
  }

  async label(clusterId: string, set: Record<string, string>, remove: string[]): Promise<void> {
    const cluster = (await this.read()).clusters.get(clusterId);
    if (!cluster) throw new Error(`cluster ${JSON.stringify(clusterId)} is not registered`);
    validateClusterRecord({ ...cluster, labels: set });
    return this.append({ type: 'ClusterLabeled', clusterId, set, remove });
  }

  deregister(clusterId: string): Promise<void> {
    return this.append({ type: 'ClusterDeregistered', clusterId });
  }

  private async append(change: RegistryChange): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const { commit } = await this.read();
      try {
        await this.client.send(
          new PutItemCommand({
            TableName: this.tableName,
            Item: marshall(
              {
                [EVENT_LOG_PARTITION_KEY]: REGISTRY_STREAM_ID,
                [EVENT_LOG_SORT_KEY]: commit + 1,
                [EVENT_LOG_EVENTS_ATTRIBUTE]: [change],
                [EVENT_LOG_TIME_ATTRIBUTE]: this.clock.now().toISOString(),
              },
              { removeUndefinedValues: true },
            ),
            ConditionExpression: 'attribute_not_exists(#commit)',
            ExpressionAttributeNames: { '#commit': EVENT_LOG_SORT_KEY },
          }),
        );
        this.cache = undefined;
        return;
      } catch (error) {
        if (!isConditionalCheckFailed(error) || attempt >= APPEND_ATTEMPTS) throw error;
      }
    }
  }

  private async read(): Promise<NonNullable<DynamoDbClusterRegistry['cache']>> {
    const clusters = new Map(this.cache?.clusters);
    let commit = this.cache?.commit ?? 0;
    const pages = paginateQuery({ client: this.client }, {
      TableName: this.tableName,
      KeyConditionExpression: '#stream = :stream AND #commit > :after',
      ExpressionAttributeNames: { '#stream': EVENT_LOG_PARTITION_KEY, '#commit': EVENT_LOG_SORT_KEY },
      ExpressionAttributeValues: marshall({ ':stream': REGISTRY_STREAM_ID, ':after': commit }),
      ConsistentRead: true,
    });
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        const row = unmarshall(item);
        for (const change of row[EVENT_LOG_EVENTS_ATTRIBUTE] as RegistryChange[]) {
          applyChange(clusters, change);
        }
        commit = row[EVENT_LOG_SORT_KEY] as number;
      }
    }
    this.cache = { clusters, commit, readAt: this.clock.now().getTime() };
    return this.cache;
  }
}

function applyChange(clusters: Map<string, ClusterRecord>, change: RegistryChange): void {
  switch (change.type) {
    case 'ClusterRegistered':
      clusters.set(change.cluster.clusterId, { ...change.cluster, labels: change.cluster.labels ?? {} }); // records from before labels
      break;
    case 'ClusterDeregistered':
      clusters.delete(change.clusterId);
      break;
    case 'ClusterLabeled': {
      const cluster = clusters.get(change.clusterId);
      if (!cluster) break; // labeled, then deregistered
      const labels = { ...cluster.labels, ...change.set };
      for (const key of change.remove) delete labels[key];
      clusters.set(change.clusterId, { ...cluster, labels });
      break;
    }
  }
}

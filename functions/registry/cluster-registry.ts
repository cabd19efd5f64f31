// The cluster registry: an append-only stream `registry/clusters` in the event-log table — its
// own key space (`registry/…`), which only the operator's CLI role may write: the loop's
// functions may only read it (infra/constructs/event-log.ts). Each change is a commit written by
// the log's own chained commit writer (one conditional PutItem, hash-chained, checkpointed and
// checked by `log verify` like every stream), folded on read with its chain verified. A warm
// function keeps the fold for a while; an unknown cluster always forces a fresh read, so a
// cluster registered a second ago is never rejected.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ChainedCommits } from '../adapters/event-store/chained-commits';
import { decodeJson, encodeJson } from '../adapters/event-store/codec';
import { REGISTRY_KEY_PREFIX } from '../adapters/event-store/keys';
import { isStreamVersionConflict } from '../adapters/event-store/port';
import type { Clock } from '../clock';
import { validateClusterRecord, type ClusterRecord } from './cluster-record';

/** In the registry's own partitions; no cluster id may start a stream there (domain/cluster-id.ts reserves `registry`). */
export const REGISTRY_STREAM_ID = `${REGISTRY_KEY_PREFIX}clusters`;
/** The registry's owner in the streams index (`registry` is a reserved cluster id): the checkpoint writer finds it there. */
const REGISTRY_OWNER = REGISTRY_KEY_PREFIX.slice(0, -1);
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
  private readonly commits: ChainedCommits;

  constructor(
    client: DynamoDBClient,
    tableName: string,
    private readonly clock: Clock,
  ) {
    this.commits = new ChainedCommits(client, tableName, clock);
  }

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
        await this.commits.append(REGISTRY_STREAM_ID, commit, encodeJson([change]), REGISTRY_OWNER);
        this.cache = undefined;
        return;
      } catch (error) {
        if (!isStreamVersionConflict(error) || attempt >= APPEND_ATTEMPTS) throw error;
      }
    }
  }

  /** The fold, brought up to date with the commits after the cached one (their chain verified: a rewritten registry throws ChainBroken). */
  private async read(): Promise<NonNullable<DynamoDbClusterRegistry['cache']>> {
    const clusters = new Map(this.cache?.clusters);
    let commit = this.cache?.commit ?? 0;
    for await (const stored of this.commits.read(REGISTRY_STREAM_ID, commit + 1)) {
      for (const change of decodeJson<RegistryChange[]>(stored.events)) applyChange(clusters, change);
      commit = stored.commit;
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

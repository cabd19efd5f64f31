// The event-log table's shape, named once: the DynamoDB adapter and infra/ both import these.
export const EVENT_LOG_TABLE_NAME = 'daemonloop-log'; // default; deployments may override
export const EVENT_LOG_PARTITION_KEY = 'streamId'; // S: <cluster>/<kind>/… (domain/streams.ts)
export const EVENT_LOG_SORT_KEY = 'commit'; // N: 1, 2, 3 … contiguous per stream
export const EVENT_LOG_EVENTS_ATTRIBUTE = 'events'; // B: the commit's events (deflated JSON), appended atomically
export const EVENT_LOG_TIME_ATTRIBUTE = 'time'; // ISO 8601 time of the append
/** The hash chain (hash-chain.ts): B, SHA-256 of the stream's previous commit (zeros for commit 1)… */
export const EVENT_LOG_PREVIOUS_HASH_ATTRIBUTE = 'previous';
/** …and B, this commit's own SHA-256 over every other attribute: what checkpoints sign. */
export const EVENT_LOG_HASH_ATTRIBUTE = 'hash';
/** Set only on a stream's first commit, so the index below is sparse: one row per stream. */
export const EVENT_LOG_CLUSTER_ATTRIBUTE = 'clusterId';
export const EVENT_LOG_STREAMS_INDEX = 'streamsByCluster'; // PK clusterId, SK streamId, KEYS_ONLY
/** A stream's snapshots live beside it, in the partition `<streamId>#snapshot` (never in the index). */
export const EVENT_LOG_SNAPSHOT_SUFFIX = '#snapshot';
/** A snapshot is chunked over items keyed `commit × SNAPSHOT_CHUNK_SLOTS + chunk index`. */
export const SNAPSHOT_CHUNK_SLOTS = 1000;
export const EVENT_LOG_SNAPSHOT_ATTRIBUTE = 'snapshot'; // B: this chunk of the gzipped state
export const EVENT_LOG_SNAPSHOT_CHUNKS_ATTRIBUTE = 'chunks'; // N: how many chunks the snapshot has
export const EVENT_LOG_SNAPSHOT_DIGEST_ATTRIBUTE = 'digest'; // S: sha256 of the whole gzipped state
/**
 * The only items that are not commits: one mark per DaemonSet (`queue/<stream id>`, commit 0) while
 * a reconcile request waits in the FIFO queue. infra/ limits UpdateItem and DeleteItem to this prefix.
 */
export const PENDING_RECONCILE_PREFIX = 'queue/';
/**
 * A cluster's shared API rate limit (`ratelimit/<cluster id>`, commit 0): the token bucket every
 * concurrent reconcile of the cluster draws from. infra/ limits its writes to this prefix.
 */
export const CLUSTER_RATE_LIMIT_PREFIX = 'ratelimit/';

/** The cluster registry's partitions (functions/registry/cluster-registry.ts): only the operator's role writes them. */
export const REGISTRY_KEY_PREFIX = 'registry/';

/**
 * Partition-key patterns of each key space, as IAM `dynamodb:LeadingKeys` (StringLike: `*` spans
 * `/`) scopes a role's writes to them. Cluster ids are DNS-1123 labels and never a reserved word
 * (domain/cluster-id.ts), so a cluster's streams never fall under another key space's pattern.
 */
export const TABLE_KEY_PATTERNS = {
  observationStreams: ['*/nodes', '*/pods/*', '*/daemonsets/*'], // domain/streams.ts
  daemonSetStreams: ['*/daemonsets/*'],
  snapshots: [`*${EVENT_LOG_SNAPSHOT_SUFFIX}`],
  pendingMarks: [`${PENDING_RECONCILE_PREFIX}*`],
  registry: [`${REGISTRY_KEY_PREFIX}*`],
  rateLimits: [`${CLUSTER_RATE_LIMIT_PREFIX}*`],
} as const;

// The event-log table's shape, named once: the DynamoDB adapter and infra/ both import these.
export const EVENT_LOG_TABLE_NAME = 'daemonloop-log'; // default; deployments may override
export const EVENT_LOG_PARTITION_KEY = 'streamId'; // S: <cluster>/<kind>/… (domain/streams.ts)
export const EVENT_LOG_SORT_KEY = 'commit'; // N: 1, 2, 3 … contiguous per stream
export const EVENT_LOG_EVENTS_ATTRIBUTE = 'events'; // B: the commit's events (deflated JSON), appended atomically
export const EVENT_LOG_TIME_ATTRIBUTE = 'time'; // ISO 8601 time of the append
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

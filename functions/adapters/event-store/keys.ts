// The event-log table's shape, named once: the DynamoDB adapter and infra/ both import these.
export const EVENT_LOG_TABLE_NAME = 'daemonloop-log'; // default; deployments may override
export const EVENT_LOG_PARTITION_KEY = 'streamId'; // S: <cluster>/<kind>/… (domain/streams.ts)
export const EVENT_LOG_SORT_KEY = 'commit'; // N: 1, 2, 3 … contiguous per stream
export const EVENT_LOG_EVENTS_ATTRIBUTE = 'events'; // the commit's events, appended atomically
export const EVENT_LOG_TIME_ATTRIBUTE = 'time'; // ISO 8601 time of the append
/** Set only on a stream's first commit, so the index below is sparse: one row per stream. */
export const EVENT_LOG_CLUSTER_ATTRIBUTE = 'clusterId';
export const EVENT_LOG_STREAMS_INDEX = 'streamsByCluster'; // PK clusterId, SK streamId, KEYS_ONLY

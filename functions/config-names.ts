// Environment variable names read once at a handler's cold start; infra/ sets exactly these.
export const TABLE_NAME_ENV = 'DAEMONLOOP_TABLE';
export const RECONCILE_QUEUE_URL_ENV = 'DAEMONLOOP_RECONCILE_QUEUE_URL'; // SQS FIFO, group = DaemonSet stream id
export const TIMER_QUEUE_URL_ENV = 'DAEMONLOOP_TIMER_QUEUE_URL'; // standard SQS, per-message DelaySeconds
export const CLUSTER_QPS_ENV = 'DAEMONLOOP_CLUSTER_QPS'; // client-side rate limit toward each cluster API
export const CLUSTER_BURST_ENV = 'DAEMONLOOP_CLUSTER_BURST';
export const SNAPSHOT_EVERY_ENV = 'DAEMONLOOP_SNAPSHOT_EVERY'; // commits between snapshots
/** Secrets Manager names the reconcile function may read: one cluster's token (JSON {token, caData}) each. */
export const CLUSTER_SECRET_PREFIX = 'daemonloop/clusters/';
export const INGEST_QUEUE_URL_ENV = 'DAEMONLOOP_INGEST_QUEUE_URL'; // standard SQS fed by the bus rule (ingest only)
export const FLEET_QUEUE_URL_ENV = 'DAEMONLOOP_FLEET_QUEUE_URL'; // SQS FIFO, group = fleet stream id (infra/constructs/fleet-reconcile.ts)

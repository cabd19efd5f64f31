// The handlers' dependencies on AWS, built once per cold start — on first use, so importing a
// handler module (tests, CDK synth) needs no environment. A missing variable fails by name.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDbEventStore } from '../adapters/event-store/dynamodb';
import { DynamoDbFleetStore } from '../adapters/fleet-store/dynamodb';
import { FleetBudget } from '../fleet/budget-client';
import { DEFAULT_BURST, DEFAULT_QPS } from '../adapters/kubernetes/rate-limiter';
import { SharedTokenBucket } from '../adapters/kubernetes/shared-token-bucket';
import { DynamoDbPendingReconciles } from '../adapters/sqs/pending-reconciles';
import { SqsReconcileQueue } from '../adapters/sqs/reconcile-queue';
import { SqsRedelivery } from '../adapters/sqs/redelivery';
import { SqsTimerQueue } from '../adapters/sqs/timer-queue';
import { systemClock } from '../clock';
import { CLUSTER_BURST_ENV, CLUSTER_QPS_ENV, INGEST_QUEUE_URL_ENV, RECONCILE_QUEUE_URL_ENV, SNAPSHOT_EVERY_ENV, TABLE_NAME_ENV, TIMER_QUEUE_URL_ENV } from '../config-names';
import { EventLog } from '../log/event-log';
import type { LoopDeps } from '../loop/deps';
import { powertoolsTelemetry } from '../observability';
import { sdkClusterAws } from '../registry/cluster-aws';
import { RegistryClusterConnections } from '../registry/cluster-connections';
import { DynamoDbClusterRegistry } from '../registry/cluster-registry';

export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (!value) throw new Error(`missing environment variable ${name}`);
  return value;
}

const optionalNumber = (name: string, env: NodeJS.ProcessEnv): number | undefined => {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`environment variable ${name} must be a positive number, got ${JSON.stringify(raw)}`);
  return value;
};

export function buildAwsDeps(env: NodeJS.ProcessEnv = process.env): LoopDeps {
  const table = requireEnv(TABLE_NAME_ENV, env);
  const dynamodb = new DynamoDBClient({});
  const sqs = new SQSClient({});
  const clock = systemClock;
  const registry = new DynamoDbClusterRegistry(dynamodb, table, clock);
  const telemetry = powertoolsTelemetry();
  const ingestQueueUrl = env[INGEST_QUEUE_URL_ENV]; // set on the ingest function only
  const qps = optionalNumber(CLUSTER_QPS_ENV, env) ?? DEFAULT_QPS;
  const burst = optionalNumber(CLUSTER_BURST_ENV, env) ?? DEFAULT_BURST;
  return {
    log: new EventLog(new DynamoDbEventStore(dynamodb, table, clock), { snapshotEvery: optionalNumber(SNAPSHOT_EVERY_ENV, env) }),
    registry,
    reconciles: new SqsReconcileQueue(sqs, requireEnv(RECONCILE_QUEUE_URL_ENV, env)),
    pending: new DynamoDbPendingReconciles(dynamodb, table, clock),
    timers: new SqsTimerQueue(sqs, requireEnv(TIMER_QUEUE_URL_ENV, env), clock),
    clusters: new RegistryClusterConnections(registry, {
      clock,
      aws: sdkClusterAws({ region: env.AWS_REGION }),
      awsRegion: env.AWS_REGION,
      qps,
      burst,
      telemetry,
      limiter: (clusterId) => new SharedTokenBucket(dynamodb, table, clusterId, clock, { qps, burst }), // one budget per cluster across environments
    }),
    clock,
    telemetry,
    redelivery: {
      ...(ingestQueueUrl ? { ingest: new SqsRedelivery(sqs, ingestQueueUrl) } : {}),
      reconcile: new SqsRedelivery(sqs, requireEnv(RECONCILE_QUEUE_URL_ENV, env)),
      timer: new SqsRedelivery(sqs, requireEnv(TIMER_QUEUE_URL_ENV, env)),
    },
    fleetBudget: new FleetBudget(new DynamoDbFleetStore(dynamodb, table, clock)), // fleet members take node disruptions from their fleet's ledger
  };
}

let built: LoopDeps | undefined;
/** The process's one set of AWS dependencies. */
export const awsDeps = (): LoopDeps => (built ??= buildAwsDeps());

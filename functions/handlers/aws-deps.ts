// The handlers' dependencies on AWS, built once per cold start — on first use, so importing a
// handler module (tests, CDK synth) needs no environment. A missing variable fails by name.
// Ingest and timer need the log, the registry and the queues; only reconcile reaches clusters
// (handlers/reconcile-aws-deps.ts), so only its bundle carries @kubernetes/client-node.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDbEventStore } from '../adapters/event-store/dynamodb';
import { DynamoDbFleetStore } from '../adapters/fleet-store/dynamodb';
import { FleetBudget } from '../fleet/budget-client';
import { DynamoDbPendingReconciles } from '../adapters/sqs/pending-reconciles';
import { SqsReconcileQueue } from '../adapters/sqs/reconcile-queue';
import { SqsFleetQueue, SqsFleetTimers } from '../adapters/sqs/fleet-queue';
import { SqsRedelivery } from '../adapters/sqs/redelivery';
import { SqsTimerQueue } from '../adapters/sqs/timer-queue';
import { systemClock } from '../clock';
import { FLEET_QUEUE_URL_ENV, INGEST_QUEUE_URL_ENV, RECONCILE_QUEUE_URL_ENV, SNAPSHOT_EVERY_ENV, TABLE_NAME_ENV, TIMER_QUEUE_URL_ENV } from '../config-names';
import { EventLog } from '../log/event-log';
import type { IngestDeps, TimerDeps } from '../loop/deps';
import { powertoolsTelemetry } from '../observability';
import { DynamoDbClusterRegistry } from '../registry/cluster-registry';

export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (!value) throw new Error(`missing environment variable ${name}`);
  return value;
}

export const optionalNumber = (name: string, env: NodeJS.ProcessEnv): number | undefined => {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`environment variable ${name} must be a positive number, got ${JSON.stringify(raw)}`);
  return value;
};

/** What every handler shares: the table (log, registry, pending marks), both queues, clock and telemetry. */
export function buildAwsDeps(env: NodeJS.ProcessEnv = process.env) {
  const table = requireEnv(TABLE_NAME_ENV, env);
  const dynamodb = new DynamoDBClient({});
  const sqs = new SQSClient({});
  const clock = systemClock;
  const telemetry = powertoolsTelemetry();
  const ingestQueueUrl = env[INGEST_QUEUE_URL_ENV]; // set on the ingest function only
  const fleetQueueUrl = env[FLEET_QUEUE_URL_ENV]; // set where fleets are woken: ingest, timer, the fleet function
  return {
    log: new EventLog(new DynamoDbEventStore(dynamodb, table, clock), { snapshotEvery: optionalNumber(SNAPSHOT_EVERY_ENV, env) }),
    registry: new DynamoDbClusterRegistry(dynamodb, table, clock),
    reconciles: new SqsReconcileQueue(sqs, requireEnv(RECONCILE_QUEUE_URL_ENV, env)),
    pending: new DynamoDbPendingReconciles(dynamodb, table, clock),
    timers: new SqsTimerQueue(sqs, requireEnv(TIMER_QUEUE_URL_ENV, env), clock),
    clock,
    telemetry,
    redelivery: {
      ...(ingestQueueUrl ? { ingest: new SqsRedelivery(sqs, ingestQueueUrl) } : {}),
      reconcile: new SqsRedelivery(sqs, requireEnv(RECONCILE_QUEUE_URL_ENV, env)),
      timer: new SqsRedelivery(sqs, requireEnv(TIMER_QUEUE_URL_ENV, env)),
    },
    fleetBudget: new FleetBudget(new DynamoDbFleetStore(dynamodb, table, clock)), // fleet members take node disruptions from their fleet's ledger
    // A member DaemonSet's observation (ingest) and a due fleet wake-up (timer) ask for a fleet reconcile.
    ...(fleetQueueUrl
      ? { fleets: new SqsFleetQueue(sqs, fleetQueueUrl), fleetTimers: new SqsFleetTimers(sqs, requireEnv(TIMER_QUEUE_URL_ENV, env), clock) }
      : {}),
  };
}

let built: ReturnType<typeof buildAwsDeps> | undefined;
/** The process's one set of AWS dependencies (ingest and timer). */
export const awsDeps = (): IngestDeps & TimerDeps & ReturnType<typeof buildAwsDeps> => (built ??= buildAwsDeps());

// The fleet function's dependencies on AWS: the fleet streams and the members' DaemonSet streams
// in the log (read only, never snapshotted from here: the fleet role may append to `fleet/…`
// alone), the registry (read), the members' APIs — each as that cluster's own role, the path
// reconcile takes (registry/cluster-aws.ts) — and its two queues.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDbEventStore } from '../adapters/event-store/dynamodb';
import { DynamoDbFleetStore } from '../adapters/fleet-store/dynamodb';
import { KubernetesFleetDaemonSets } from '../adapters/kubernetes/fleet-daemonsets';
import { DEFAULT_BURST, DEFAULT_QPS } from '../adapters/kubernetes/rate-limiter';
import { SqsFleetQueue, SqsFleetTimers } from '../adapters/sqs/fleet-queue';
import { SqsRedelivery } from '../adapters/sqs/redelivery';
import { systemClock } from '../clock';
import { CLUSTER_BURST_ENV, CLUSTER_QPS_ENV, FLEET_QUEUE_URL_ENV, TABLE_NAME_ENV, TIMER_QUEUE_URL_ENV } from '../config-names';
import { observeFromLog } from '../fleet/observe';
import { EventLog } from '../log/event-log';
import { powertoolsTelemetry } from '../observability';
import { sdkClusterAws } from '../registry/cluster-aws';
import { RegistryClusterConnections } from '../registry/cluster-connections';
import { DynamoDbClusterRegistry } from '../registry/cluster-registry';
import { optionalNumber, requireEnv } from './aws-deps';
import type { FleetHandlerDeps } from './fleet';

/** Never reached: this function folds the members' streams but may not write their snapshots. */
const NO_SNAPSHOTS = Number.MAX_SAFE_INTEGER;

export function buildFleetAwsDeps(env: NodeJS.ProcessEnv = process.env): FleetHandlerDeps {
  const table = requireEnv(TABLE_NAME_ENV, env);
  const fleetQueueUrl = requireEnv(FLEET_QUEUE_URL_ENV, env);
  const dynamodb = new DynamoDBClient({});
  const sqs = new SQSClient({});
  const clock = systemClock;
  const telemetry = powertoolsTelemetry();
  const registry = new DynamoDbClusterRegistry(dynamodb, table, clock);
  const log = new EventLog(new DynamoDbEventStore(dynamodb, table, clock), { snapshotEvery: NO_SNAPSHOTS });
  const connections = new RegistryClusterConnections(registry, {
    clock,
    aws: sdkClusterAws({ region: env.AWS_REGION }),
    awsRegion: env.AWS_REGION,
    qps: optionalNumber(CLUSTER_QPS_ENV, env) ?? DEFAULT_QPS,
    burst: optionalNumber(CLUSTER_BURST_ENV, env) ?? DEFAULT_BURST,
    telemetry,
  });
  const fleetTimers = new SqsFleetTimers(sqs, requireEnv(TIMER_QUEUE_URL_ENV, env), clock);
  return {
    store: new DynamoDbFleetStore(dynamodb, table, clock),
    registry,
    observe: observeFromLog(log),
    daemonSets: new KubernetesFleetDaemonSets((clusterId) => connections.kubeConfig(clusterId)),
    timers: fleetTimers,
    fleets: new SqsFleetQueue(sqs, fleetQueueUrl),
    clock,
    telemetry,
    redelivery: { reconcile: new SqsRedelivery(sqs, fleetQueueUrl) },
  };
}

let built: FleetHandlerDeps | undefined;
export const fleetAwsDeps = (): FleetHandlerDeps => (built ??= buildFleetAwsDeps());

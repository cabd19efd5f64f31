// The reconcile handler's dependencies on AWS: the shared ones (aws-deps.ts) and the clusters'
// APIs, reached through the registry, each as the cluster's own role (registry/cluster-aws.ts):
// EKS tokens signed with that role's credentials, or a token read from Secrets Manager with them.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DEFAULT_BURST, DEFAULT_QPS } from '../adapters/kubernetes/rate-limiter';
import { SharedTokenBucket } from '../adapters/kubernetes/shared-token-bucket';
import { CLUSTER_BURST_ENV, CLUSTER_QPS_ENV, TABLE_NAME_ENV } from '../config-names';
import type { LoopDeps } from '../loop/deps';
import { sdkClusterAws } from '../registry/cluster-aws';
import { RegistryClusterConnections } from '../registry/cluster-connections';
import { buildAwsDeps, optionalNumber, requireEnv } from './aws-deps';

export function buildReconcileAwsDeps(env: NodeJS.ProcessEnv = process.env): LoopDeps {
  const shared = buildAwsDeps(env);
  const dynamodb = new DynamoDBClient({});
  const table = requireEnv(TABLE_NAME_ENV, env);
  const qps = optionalNumber(CLUSTER_QPS_ENV, env) ?? DEFAULT_QPS;
  const burst = optionalNumber(CLUSTER_BURST_ENV, env) ?? DEFAULT_BURST;
  return {
    ...shared,
    clusters: new RegistryClusterConnections(shared.registry, {
      clock: shared.clock,
      aws: sdkClusterAws({ region: env.AWS_REGION }),
      awsRegion: env.AWS_REGION,
      qps,
      burst,
      telemetry: shared.telemetry,
      limiter: (clusterId) => new SharedTokenBucket(dynamodb, table, clusterId, shared.clock, { qps, burst }), // one budget per cluster across environments
    }),
  };
}

let built: LoopDeps | undefined;
/** The process's one set of AWS dependencies for reconcile. */
export const reconcileAwsDeps = (): LoopDeps => (built ??= buildReconcileAwsDeps());

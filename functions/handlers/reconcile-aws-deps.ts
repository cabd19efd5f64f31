// The reconcile handler's dependencies on AWS: the shared ones (aws-deps.ts) and the clusters'
// APIs, reached through the registry, each as the cluster's own role (registry/cluster-aws.ts):
// EKS tokens signed with that role's credentials, or a token read from Secrets Manager with them.
import { CLUSTER_BURST_ENV, CLUSTER_QPS_ENV } from '../config-names';
import type { LoopDeps } from '../loop/deps';
import { sdkClusterAws } from '../registry/cluster-aws';
import { RegistryClusterConnections } from '../registry/cluster-connections';
import { buildAwsDeps, optionalNumber } from './aws-deps';

export function buildReconcileAwsDeps(env: NodeJS.ProcessEnv = process.env): LoopDeps {
  const shared = buildAwsDeps(env);
  return {
    ...shared,
    clusters: new RegistryClusterConnections(shared.registry, {
      clock: shared.clock,
      aws: sdkClusterAws({ region: env.AWS_REGION }),
      awsRegion: env.AWS_REGION,
      qps: optionalNumber(CLUSTER_QPS_ENV, env),
      burst: optionalNumber(CLUSTER_BURST_ENV, env),
    }),
  };
}

let built: LoopDeps | undefined;
/** The process's one set of AWS dependencies for reconcile. */
export const reconcileAwsDeps = (): LoopDeps => (built ??= buildReconcileAwsDeps());

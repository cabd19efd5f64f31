// The reconcile handler's dependencies on AWS: the shared ones (aws-deps.ts) and the clusters'
// APIs, reached through the registry — EKS tokens signed with the function's role, or a token
// read from Secrets Manager.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { CLUSTER_BURST_ENV, CLUSTER_QPS_ENV } from '../config-names';
import type { LoopDeps } from '../loop/deps';
import { RegistryClusterConnections } from '../registry/cluster-connections';
import { buildAwsDeps, optionalNumber } from './aws-deps';

export function buildReconcileAwsDeps(env: NodeJS.ProcessEnv = process.env): LoopDeps {
  const shared = buildAwsDeps(env);
  const secrets = new SecretsManagerClient({});
  return {
    ...shared,
    clusters: new RegistryClusterConnections(shared.registry, {
      clock: shared.clock,
      readSecret: async (secretArn) => (await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }))).SecretString ?? '',
      awsCredentials: fromNodeProviderChain(),
      awsRegion: env.AWS_REGION,
      qps: optionalNumber(CLUSTER_QPS_ENV, env),
      burst: optionalNumber(CLUSTER_BURST_ENV, env),
    }),
  };
}

let built: LoopDeps | undefined;
/** The process's one set of AWS dependencies for reconcile. */
export const reconcileAwsDeps = (): LoopDeps => (built ??= buildReconcileAwsDeps());

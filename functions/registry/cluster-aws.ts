// The AWS calls that reach one cluster, each made as that cluster's own role: reconcile assumes
// the role the registry names, with a session tag naming the cluster (the role's trust policy
// admits only that tag value), then reads the cluster's secret, or asks EKS for the endpoint and
// CA and signs the cluster's token, with those credentials. Reconcile's own role can do nothing
// else with a cluster, so one cluster's identity never reaches another.
import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

/** The session tag reconcile sets when it assumes a cluster's role; the role's trust policy pins its value. */
export const CLUSTER_SESSION_TAG = 'daemonloop-cluster';

export type ClusterCredentials = AwsCredentialIdentity | AwsCredentialIdentityProvider;

export interface ClusterAws {
  /** Credentials of the cluster's role (sts:AssumeRole + sts:TagSession, tag daemonloop-cluster=<clusterId>). */
  assumeClusterRole(roleArn: string, clusterId: string): ClusterCredentials;
  readSecret(secretArn: string, credentials: ClusterCredentials): Promise<string>;
  /** eks:DescribeCluster: the API server's endpoint and CA, never a stored copy. */
  describeEksCluster(clusterName: string, region: string, credentials: ClusterCredentials): Promise<{ endpoint: string; caData: string }>;
}

const MAX_SESSION_NAME = 64;

/** ClusterAws over the SDK; `base` are the function's own credentials (reconcile's role). */
export function sdkClusterAws(options: { region?: string; base?: ClusterCredentials } = {}): ClusterAws {
  return {
    assumeClusterRole: (roleArn, clusterId) =>
      fromTemporaryCredentials({
        params: {
          RoleArn: roleArn,
          RoleSessionName: `daemonloop-${clusterId}`.slice(0, MAX_SESSION_NAME),
          Tags: [{ Key: CLUSTER_SESSION_TAG, Value: clusterId }],
        },
        ...(options.base ? { masterCredentials: options.base } : {}),
        ...(options.region ? { clientConfig: { region: options.region } } : {}),
      }),
    readSecret: async (secretArn, credentials) => {
      const client = new SecretsManagerClient({ credentials, ...(options.region ? { region: options.region } : {}) });
      return (await client.send(new GetSecretValueCommand({ SecretId: secretArn }))).SecretString ?? '';
    },
    describeEksCluster: async (clusterName, region, credentials) => {
      const { cluster } = await new EKSClient({ region, credentials }).send(new DescribeClusterCommand({ name: clusterName }));
      if (!cluster?.endpoint || !cluster.certificateAuthority?.data)
        throw new Error(`EKS cluster ${clusterName} has no endpoint or CA yet (status ${cluster?.status ?? 'unknown'})`);
      return { endpoint: cluster.endpoint, caData: cluster.certificateAuthority.data };
    },
  };
}

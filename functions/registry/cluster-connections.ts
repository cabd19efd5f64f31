// A cluster's API from its registry entry: the credential reference becomes a bearer token (a
// Secrets Manager secret, or an EKS IAM token) or a kubeconfig file, and the client is kept while
// warm — an EKS token for 10 of its 15 minutes, other credentials until the process ends.
import type { AwsCredentialIdentity, Provider } from '@smithy/types';
import { z } from 'zod';
import { kubeConfigFor, type ClusterAccess } from '../adapters/kubernetes/kubeconfig';
import type { ClusterApi } from '../adapters/kubernetes/cluster-api';
import type { RateLimiter } from '../adapters/kubernetes/rate-limiter';
import { KubernetesCluster } from '../adapters/kubernetes/kubernetes-cluster';
import type { Clock } from '../clock';
import type { ClusterConnections } from '../loop/deps';
import type { ClusterRecord } from './cluster-record';
import type { ClusterRegistry } from './cluster-registry';
import { eksToken } from './eks-token';

const EKS_TOKEN_REUSE_MS = 10 * 60_000;

/** What a cluster's secret holds: a bearer token and, optionally, the API server's CA. */
const tokenSecret = z.object({ token: z.string().min(1), caData: z.string().optional() });

export interface ConnectionOptions {
  clock: Clock;
  readSecret?: (secretArn: string) => Promise<string>;
  awsCredentials?: AwsCredentialIdentity | Provider<AwsCredentialIdentity>;
  awsRegion?: string;
  qps?: number;
  burst?: number;
  /** The cluster's rate limiter shared across reconciles (SharedTokenBucket); default: one per client. */
  limiter?: (clusterId: string) => RateLimiter;
}

export class RegistryClusterConnections implements ClusterConnections {
  private readonly cached = new Map<string, { api: ClusterApi; until: number }>();

  constructor(
    private readonly registry: Pick<ClusterRegistry, 'lookup'>,
    private readonly options: ConnectionOptions,
  ) {}

  async api(clusterId: string): Promise<ClusterApi> {
    const now = this.options.clock.now().getTime();
    const hit = this.cached.get(clusterId);
    if (hit && hit.until > now) return hit.api;
    const record = await this.registry.lookup(clusterId);
    if (!record) throw new Error(`cluster ${JSON.stringify(clusterId)} is not registered`);
    const limiter = this.options.limiter?.(clusterId);
    const api = new KubernetesCluster(kubeConfigFor(await this.access(record)), { clock: this.options.clock, qps: this.options.qps, burst: this.options.burst, ...(limiter ? { limiter } : {}) });
    this.cached.set(clusterId, { api, until: record.credentials.kind === 'eks' ? now + EKS_TOKEN_REUSE_MS : Number.POSITIVE_INFINITY });
    return api;
  }

  private async access(record: ClusterRecord): Promise<ClusterAccess> {
    const credentials = record.credentials;
    switch (credentials.kind) {
      case 'kubeconfig':
        return { kubeconfigPath: credentials.path };
      case 'secret': {
        if (!this.options.readSecret) throw new Error(`cluster ${record.clusterId}: no Secrets Manager client to read ${credentials.secretArn}`);
        const secret = tokenSecret.parse(JSON.parse(await this.options.readSecret(credentials.secretArn)));
        return { server: record.endpoint, token: secret.token, ...caOf(secret.caData ?? record.caData) };
      }
      case 'eks': {
        const region = credentials.region ?? this.options.awsRegion;
        if (!region || !this.options.awsCredentials) throw new Error(`cluster ${record.clusterId}: an EKS token needs AWS credentials and a region`);
        const token = await eksToken(credentials.clusterName, region, this.options.awsCredentials, this.options.clock.now());
        return { server: record.endpoint, token, ...caOf(record.caData) };
      }
    }
  }
}

const caOf = (caData: string | undefined) => (caData ? { caData } : {});

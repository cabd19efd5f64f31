// A cluster's API from its registry entry: the credential reference becomes a bearer token (a
// Secrets Manager secret, or an EKS IAM token) or a kubeconfig file, and the client is kept while
// warm — an EKS token for 10 of its 15 minutes, a secret's token for 5 (a rotated secret is picked
// up without a cold start), and dropped at once when the API server refuses it (401, 403). AWS
// credentials are the cluster's own role's (cluster-aws.ts); an EKS endpoint and CA come from
// eks:DescribeCluster; a plain-http endpoint is refused unless it is on this machine.
import type { KubeConfig } from '@kubernetes/client-node';
import { z } from 'zod';
import { kubeConfigFor, type ClusterAccess } from '../adapters/kubernetes/kubeconfig';
import type { ClusterApi } from '../adapters/kubernetes/cluster-api';
import type { RateLimiter } from '../adapters/kubernetes/rate-limiter';
import { KubernetesCluster } from '../adapters/kubernetes/kubernetes-cluster';
import type { Clock } from '../clock';
import type { Telemetry } from '../observability';
import type { ClusterConnections } from '../loop/deps';
import type { ClusterAws } from './cluster-aws';
import { endpointProblem, type ClusterRecord } from './cluster-record';
import type { ClusterRegistry } from './cluster-registry';
import { eksToken } from './eks-token';

const EKS_TOKEN_REUSE_MS = 10 * 60_000;
/** As Powertools Parameters' maxAge would: long enough to spare Secrets Manager, short enough to follow a rotation. */
export const SECRET_TOKEN_REUSE_MS = 5 * 60_000;

/** What a cluster's secret holds: a bearer token and, optionally, the API server's CA. */
const tokenSecret = z.object({ token: z.string().min(1), caData: z.string().optional() });

export interface ConnectionOptions {
  clock: Clock;
  /** AWS, for secret and EKS credentials (absent in the local runtime, whose clusters are kubeconfig files). */
  aws?: ClusterAws;
  awsRegion?: string;
  qps?: number;
  burst?: number;
  /** The cluster's rate limiter shared across reconciles (SharedTokenBucket); default: one per client. */
  limiter?: (clusterId: string) => RateLimiter;
  /** Each request's deadline (default: the adapter's DEFAULT_REQUEST_TIMEOUT_MS). */
  requestTimeoutMs?: number;
  /**
   * Counts ClusterAuthFailed (alarmed on: a token nobody rotated back in stalls the cluster), and
   * every failed request as KubernetesApiFailures by ClusterId and Code (5xx, 429 and timeouts alarmed).
   */
  telemetry?: Pick<Telemetry, 'count' | 'countFor' | 'warn'>;
}

/** Failed cluster API requests, dimensioned by ClusterId and Code (api-errors.ts failureCode). */
export const KUBERNETES_API_FAILURES_METRIC = 'KubernetesApiFailures';

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
    const onAuthFailure = (code: number) => {
      if (this.cached.get(clusterId)?.api === api) this.cached.delete(clusterId); // the next call reads the credentials again
      this.options.telemetry?.warn('the cluster API refused our credentials', { clusterId, code });
      this.options.telemetry?.count('ClusterAuthFailed');
    };
    const onFailure = (code: string) => this.options.telemetry?.countFor(KUBERNETES_API_FAILURES_METRIC, { ClusterId: clusterId, Code: code });
    const api: ClusterApi = new KubernetesCluster(kubeConfigFor(await this.access(record)), {
      clock: this.options.clock,
      qps: this.options.qps,
      burst: this.options.burst,
      onAuthFailure,
      onFailure,
      ...(limiter ? { limiter } : {}),
      ...(this.options.requestTimeoutMs !== undefined ? { requestTimeoutMs: this.options.requestTimeoutMs } : {}),
    });
    this.cached.set(clusterId, { api, until: now + REUSE_MS[record.credentials.kind] });
    return api;
  }

  /** The cluster's KubeConfig from its registry entry (the fleet writes its DaemonSets through it). */
  async kubeConfig(clusterId: string): Promise<KubeConfig> {
    const record = await this.registry.lookup(clusterId);
    if (!record) throw new Error(`cluster ${JSON.stringify(clusterId)} is not registered`);
    return kubeConfigFor(await this.access(record));
  }

  private async access(record: ClusterRecord): Promise<ClusterAccess> {
    const credentials = record.credentials;
    switch (credentials.kind) {
      case 'kubeconfig':
        return { kubeconfigPath: credentials.path };
      case 'secret': {
        const aws = this.awsFor(record);
        const secret = tokenSecret.parse(JSON.parse(await aws.readSecret(credentials.secretArn, aws.assumeClusterRole(credentials.roleArn, record.clusterId))));
        return { server: https(record, record.endpoint), token: secret.token, ...caOf(secret.caData ?? record.caData) };
      }
      case 'eks': {
        const region = credentials.region ?? this.options.awsRegion;
        if (!region) throw new Error(`cluster ${record.clusterId}: an EKS cluster needs a region`);
        const aws = this.awsFor(record);
        const role = aws.assumeClusterRole(credentials.roleArn, record.clusterId);
        const { endpoint, caData } = await aws.describeEksCluster(credentials.clusterName, region, role);
        const token = await eksToken(credentials.clusterName, region, role, this.options.clock.now());
        return { server: https(record, endpoint), token, caData };
      }
    }
  }

  private awsFor(record: ClusterRecord): ClusterAws {
    if (!this.options.aws) throw new Error(`cluster ${record.clusterId}: ${record.credentials.kind} credentials need AWS, and this runtime has none`);
    return this.options.aws;
  }
}

const REUSE_MS: Record<ClusterRecord['credentials']['kind'], number> = {
  eks: EKS_TOKEN_REUSE_MS,
  secret: SECRET_TOKEN_REUSE_MS,
  kubeconfig: Number.POSITIVE_INFINITY, // a local file; a 401 still drops it
};

const caOf = (caData: string | undefined) => (caData ? { caData } : {});

/** A bearer token never goes over plain http off this machine; checked on use too, not only at registration. */
function https(record: ClusterRecord, endpoint: string | undefined): string {
  const problem = endpoint ? endpointProblem(endpoint) : `cluster ${record.clusterId} has no endpoint`;
  if (problem) throw new Error(`cluster ${record.clusterId}: ${problem}`);
  return endpoint!;
}

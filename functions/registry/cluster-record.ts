// What the registry knows about a cluster: where its API is, which identity reaches it, which
// forwarder may speak for it, its labels (fleet placement), and which price table its cost
// figures use. Only the operator's CLI role writes the registry; the loop's functions read it.
import { clusterIdProblem } from '../../domain/cluster-id';
import { forwarderSource } from '../bus/patterns';

/**
 * How reconcile reaches the cluster. AWS kinds name the per-cluster role reconcile assumes (with a
 * session tag naming the cluster) — that role, not reconcile's own, reads the secret or is mapped
 * by the EKS access entry, so one cluster's credentials reach only that cluster.
 */
export type CredentialRef =
  | { kind: 'secret'; secretArn: string; roleArn: string } // Secrets Manager: {"token": …, "caData": …}
  | { kind: 'eks'; clusterName: string; region?: string; roleArn: string } // an IAM token; endpoint and CA from eks:DescribeCluster
  | { kind: 'kubeconfig'; path: string }; // local runtime only: a kubeconfig file on this machine

export interface ClusterRecord {
  clusterId: string;
  endpoint?: string; // https://… of the API server; not stored for EKS (DescribeCluster answers it)
  caData?: string; // base64 PEM of the API server's CA, when not in the credential (never for EKS)
  credentials: CredentialRef;
  labels: Record<string, string>; // placement: fleets select clusters by these
  priceTable?: string; // a reference to the price table for cost figures
  registeredAt: string; // ISO 8601
}

/**
 * The EventBridge source a cluster's forwarder must use: its cluster id, or for EKS the cluster's
 * name, which is what Pod Identity puts in the `eks-cluster-name` session tag the forwarder
 * role's `events:source` condition reads.
 */
export const expectedSource = (record: ClusterRecord): string =>
  forwarderSource(record.credentials.kind === 'eks' ? record.credentials.clusterName : record.clusterId);

/** Label keys and values as Kubernetes accepts them (an optional DNS prefix, then a name). */
const LABEL_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;
const LABEL_PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function labelProblem(key: string, value: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const [prefix, name] = slash < 0 ? [undefined, key] : [key.slice(0, slash), key.slice(slash + 1)];
  if (prefix !== undefined && (prefix.length > 253 || !LABEL_PREFIX.test(prefix)))
    return `label key ${JSON.stringify(key)}: the prefix must be a DNS subdomain`;
  if (name.length === 0 || name.length > 63 || !LABEL_NAME.test(name))
    return `label key ${JSON.stringify(key)}: the name must be 1–63 characters of alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric`;
  if (value.length > 63 || !LABEL_NAME.test(value))
    return `label ${key}=${JSON.stringify(value)}: the value must be at most 63 characters of alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric`;
  return undefined;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Plain HTTP would hand the cluster's bearer token to anyone on the path, so an endpoint is
 * https — except on this machine (the local runtime and its simulator), where nothing is on the path.
 */
export function endpointProblem(endpoint: string): string | undefined {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return `endpoint ${JSON.stringify(endpoint)} is not a URL`;
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return undefined;
  return `endpoint ${endpoint}: only https is allowed (plain http only to a loopback address, for the local runtime)`;
}

/** Every rule a registration must meet, checked before anything is written; throws naming the first broken one. */
export function validateClusterRecord(record: ClusterRecord): void {
  const problems = [
    clusterIdProblem(record.clusterId),
    record.credentials.kind === 'secret' && !record.endpoint ? `cluster ${record.clusterId}: a secret credential needs an endpoint` : undefined,
    record.credentials.kind === 'eks' && (record.endpoint || record.caData)
      ? `cluster ${record.clusterId}: an EKS cluster's endpoint and CA come from eks:DescribeCluster, not the registry`
      : undefined,
    record.endpoint && record.credentials.kind !== 'kubeconfig' ? endpointProblem(record.endpoint) : undefined, // a kubeconfig (local runtime only) names its own server
    ...Object.entries(record.labels).map(([k, v]) => labelProblem(k, v)),
  ];
  const problem = problems.find((p) => p !== undefined);
  if (problem) throw new InvalidClusterRecord(problem);
}

export class InvalidClusterRecord extends Error {
  readonly code = 'InvalidClusterRecord';
  override name = 'InvalidClusterRecord';
}

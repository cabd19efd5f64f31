// What the registry knows about a cluster: where its API is, how to get a credential for it,
// and which price table its cost figures use.
export type CredentialRef =
  | { kind: 'secret'; secretArn: string } // Secrets Manager: a kubeconfig (YAML) or {"token": …, "caData": …}
  | { kind: 'eks'; clusterName: string; region?: string } // an IAM token (presigned STS GetCallerIdentity)
  | { kind: 'kubeconfig'; path: string }; // local runtime only: a kubeconfig file on this machine

export interface ClusterRecord {
  clusterId: string;
  endpoint: string; // https://… of the cluster's API server
  caData?: string; // base64 PEM of the API server's CA, when not in the credential
  credentials: CredentialRef;
  priceTable?: string; // a reference to the price table for cost figures
  registeredAt: string; // ISO 8601
  labels?: Record<string, string>; // what fleets place by (`clusters register --label k=v`)
}

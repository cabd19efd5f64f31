// How the controller and the forwarder reach a cluster: a kubeconfig file (kubectl's, or the
// simulator's), an endpoint with a bearer token and CA (a cluster registry entry, e.g. EKS), or
// neither: client-node's default ($KUBECONFIG, ~/.kube/config, or the in-cluster service account).
import { KubeConfig } from '@kubernetes/client-node';

export type ClusterAccess = { kubeconfigPath?: string; context?: string } | { server: string; token: string; caData?: string };

export function kubeConfigFor(access: ClusterAccess): KubeConfig {
  const kc = new KubeConfig();
  if (!('server' in access)) {
    if (access.kubeconfigPath) kc.loadFromFile(access.kubeconfigPath);
    else kc.loadFromDefault();
    if (access.context) kc.setCurrentContext(access.context);
    return kc;
  }
  // client-node refuses plain HTTP unless told there is no TLS to verify (the local simulator).
  const plainHttp = access.server.startsWith('http:');
  kc.loadFromOptions({
    clusters: [{ name: 'cluster', server: access.server, ...(access.caData ? { caData: access.caData } : {}), skipTLSVerify: plainHttp }],
    users: [{ name: 'daemonloop', token: access.token }],
    contexts: [{ name: 'daemonloop', cluster: 'cluster', user: 'daemonloop' }],
    currentContext: 'daemonloop',
  });
  return kc;
}

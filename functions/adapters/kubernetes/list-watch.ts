// The list calls and watch paths the forwarder's informers use: all nodes, all pods, and our
// DaemonSets, across namespaces (the controller decides which pods are daemon pods).
import { CoreV1Api, CustomObjectsApi, type KubeConfig, type KubernetesListObject, type KubernetesObject, type V1DaemonSet, type V1Node, type V1Pod } from '@kubernetes/client-node';
import { DAEMONSET_GROUP, DAEMONSET_PLURAL, DAEMONSET_VERSION, daemonSetsPath } from './custom-resource';

export interface ListWatchSource<T extends KubernetesObject> {
  path: string;
  list(): Promise<KubernetesListObject<T>>;
}

export function clusterListWatch(kubeConfig: KubeConfig): { nodes: ListWatchSource<V1Node>; pods: ListWatchSource<V1Pod>; daemonSets: ListWatchSource<V1DaemonSet> } {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  return {
    nodes: { path: '/api/v1/nodes', list: () => core.listNode() },
    pods: { path: '/api/v1/pods', list: () => core.listPodForAllNamespaces() },
    daemonSets: {
      path: daemonSetsPath(),
      list: async () => (await custom.listClusterCustomObject({ group: DAEMONSET_GROUP, version: DAEMONSET_VERSION, plural: DAEMONSET_PLURAL })) as KubernetesListObject<V1DaemonSet>,
    },
  };
}

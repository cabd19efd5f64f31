// The list calls and watch paths the forwarder's informers use: all nodes, all pods, and our
// DaemonSets, across namespaces (the controller decides which pods are daemon pods). Nodes and pods
// are listed in pages of PAGE_SIZE (limit/continue, as client-go's reflector does), each page
// mapped (projected) before the next is fetched: a 100,000-pod list never sits whole in memory.
import {
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  type V1DaemonSet,
  type V1Node,
  type V1Pod,
} from '@kubernetes/client-node';
import { DAEMONSET_GROUP, DAEMONSET_PLURAL, DAEMONSET_VERSION, daemonSetsPath } from './custom-resource';

export interface ListWatchSource<T extends KubernetesObject> {
  path: string;
  /** Everything, each item passed through `map` page by page; the resourceVersion is the first page's (the snapshot's). */
  list(map?: (item: T) => T): Promise<KubernetesListObject<T>>;
}

export const PAGE_SIZE = 500;

type Page<T> = { items: T[]; metadata?: { resourceVersion?: string; _continue?: string } };

async function paged<T>(
  fetch: (page: { limit: number; _continue?: string }) => Promise<Page<T>>,
  map: (item: T) => T = (i) => i,
): Promise<KubernetesListObject<T & KubernetesObject>> {
  const items: T[] = [];
  let resourceVersion: string | undefined;
  let token: string | undefined;
  do {
    const page = await fetch({ limit: PAGE_SIZE, ...(token ? { _continue: token } : {}) });
    resourceVersion ??= page.metadata?.resourceVersion;
    for (const item of page.items) items.push(map(item));
    token = page.metadata?._continue || undefined;
  } while (token);
  return { items: items as (T & KubernetesObject)[], metadata: { ...(resourceVersion ? { resourceVersion } : {}) } };
}

export function clusterListWatch(kubeConfig: KubeConfig): {
  nodes: ListWatchSource<V1Node>;
  pods: ListWatchSource<V1Pod>;
  daemonSets: ListWatchSource<V1DaemonSet>;
} {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  return {
    nodes: { path: '/api/v1/nodes', list: (map) => paged((page) => core.listNode(page), map) },
    pods: { path: '/api/v1/pods', list: (map) => paged((page) => core.listPodForAllNamespaces(page), map) },
    daemonSets: {
      path: daemonSetsPath(),
      list: async (map = (ds) => ds) => {
        const list = (await custom.listClusterCustomObject({
          group: DAEMONSET_GROUP,
          version: DAEMONSET_VERSION,
          plural: DAEMONSET_PLURAL,
        })) as KubernetesListObject<V1DaemonSet>;
        return { ...list, items: list.items.map(map) };
      },
    },
  };
}

// What the forwarder's informers keep of each object: the projection it forwards (domain/projection.ts)
// and, for a pod, the one thing more it reads — what the pod requests, summed once into a single
// container, for NodeRequests. A cluster's 100,000 pods then cost a few hundred bytes each, not the
// kilobytes of a full pod (bench/forwarder.bench.ts).
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { podSpecRequests } from '../../domain/cost';
import { projectNode, projectPod } from '../../domain/projection';

export const REQUESTS_CONTAINER = 'requests';

export function cachedPod(pod: V1Pod): V1Pod {
  const projection = projectPod(pod);
  let requests: { cpuMillicores: number; memoryBytes: number } | undefined;
  try {
    requests = podSpecRequests(pod.spec);
  } catch {
    requests = undefined; // unreadable: left as the pod had it, so NodeRequests reports it (and counts it as none)
  }
  if (!requests) {
    const { containers = [], initContainers, overhead } = pod.spec ?? {};
    const slim = (c: { name: string; resources?: object; restartPolicy?: string }) => ({
      name: c.name,
      ...(c.resources ? { resources: c.resources } : {}),
      ...(c.restartPolicy ? { restartPolicy: c.restartPolicy } : {}),
    });
    return {
      ...projection,
      spec: {
        ...projection.spec,
        containers: containers.map(slim),
        ...(initContainers ? { initContainers: initContainers.map(slim) } : {}),
        ...(overhead ? { overhead } : {}),
      },
    };
  }
  const containers = [{ name: REQUESTS_CONTAINER, resources: { requests: { cpu: `${requests.cpuMillicores}m`, memory: `${requests.memoryBytes}` } } }];
  return { ...projection, spec: { ...projection.spec, containers } };
}

export const cachedNode = (node: V1Node): V1Node => projectNode(node);

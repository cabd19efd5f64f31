// Counts the controller's calls to a cluster's API, per operation, as metrics (`ClusterApi.createPod`, …).
import type { ClusterApi } from '../adapters/kubernetes/cluster-api';
import type { ClusterConnections } from '../loop/deps';
import type { Telemetry } from '../observability';

const OPERATIONS = ['createPod', 'deletePod', 'adoptPod', 'releasePod', 'writeDaemonSetStatus', 'readDaemonSet', 'recordEvents'] as const;

function countingApi(api: ClusterApi, telemetry: Telemetry): ClusterApi {
  const counted = {} as Record<(typeof OPERATIONS)[number], unknown>;
  for (const op of OPERATIONS) {
    counted[op] = (...args: unknown[]) => {
      telemetry.count(`ClusterApi.${op}`);
      return (api[op] as (...a: unknown[]) => unknown)(...args);
    };
  }
  return counted as ClusterApi;
}

export const countingConnections = (connections: ClusterConnections, telemetry: Telemetry): ClusterConnections => ({
  api: async (clusterId) => countingApi(await connections.api(clusterId), telemetry),
});

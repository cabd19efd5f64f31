// Placement: which registered clusters a selection names. Clusters are ordered by id, as OCM's
// rollout orders them alphabetically, so every decision walks them in one fixed order.
import { compileLabelSelector } from '../label-selector';
import type { ClusterSelection, FleetCluster } from './types';

export function selectionMatcher(selection: ClusterSelection): (cluster: FleetCluster) => boolean {
  if (selection.clusters !== undefined) {
    const named = new Set(selection.clusters);
    return (cluster) => named.has(cluster.clusterId);
  }
  const matches = compileLabelSelector(selection.clusterSelector ?? {});
  return (cluster) => matches(cluster.labels);
}

/** The selected clusters, by id. */
export function selectClusters(selection: ClusterSelection, clusters: readonly FleetCluster[]): FleetCluster[] {
  const matches = selectionMatcher(selection);
  return clusters.filter(matches).sort((a, b) => (a.clusterId < b.clusterId ? -1 : a.clusterId > b.clusterId ? 1 : 0));
}

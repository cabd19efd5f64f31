// Tiny builders for fleet domain tests.
import type { V1DaemonSetSpec } from '@kubernetes/client-node';
import type { ClusterObservation } from '../../../domain/fleet/progressive';
import { FLEET_API_VERSION, FLEET_KIND, type FleetCluster, type FleetDaemonSet, type FleetDaemonSetSpec } from '../../../domain/fleet/types';
import { L, T0 } from '../builders';

export const at = (s: number): Date => new Date(T0 + s * 1000);

export const template = (image = 'fluentd:v1'): V1DaemonSetSpec => ({
  selector: { matchLabels: { ...L } },
  template: { metadata: { labels: { ...L } }, spec: { containers: [{ name: 'fluentd', image }] } },
  updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
});

export function aFleet(spec: Partial<FleetDaemonSetSpec> = {}, name = 'fluentd'): FleetDaemonSet {
  return {
    apiVersion: FLEET_API_VERSION,
    kind: FLEET_KIND,
    metadata: { name },
    spec: { template: template(), placement: { clusterSelector: {} }, ...spec },
  };
}

export const cluster = (clusterId: string, labels: Record<string, string> = {}): FleetCluster => ({ clusterId, labels });

/** The four clusters of the demo: dev, staging, two prod. */
export const FOUR = [
  cluster('dev-1', { env: 'dev' }),
  cluster('prod-a', { env: 'prod' }),
  cluster('prod-b', { env: 'prod' }),
  cluster('staging-1', { env: 'staging' }),
];

export const done = (revision: number, desired = 10): ClusterObservation => ({
  revision,
  generation: 1,
  observedGeneration: 1,
  desired,
  updated: desired,
  available: desired,
});
export const rolling = (revision: number, updated: number, desired = 10): ClusterObservation => ({
  revision,
  generation: 1,
  observedGeneration: 1,
  desired,
  updated,
  available: updated,
});

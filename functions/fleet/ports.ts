// What the fleet loop needs, as ports: its streams, the registry's clusters, each cluster's
// DaemonSet as the log last saw it, a writer for the per-cluster DaemonSets, its own wake-ups.
import type { V1DaemonSet } from '@kubernetes/client-node';
import type { ClusterObservation } from '../../domain/fleet/progressive';
import type { ActionResult } from '../adapters/kubernetes/cluster-api';
import type { FleetStore } from '../adapters/fleet-store/port';
import type { Clock } from '../clock';
import type { Telemetry } from '../observability';
import type { ClusterRecord } from '../registry/cluster-record';

export interface FleetDaemonSets {
  /** Creates the cluster's DaemonSet or replaces its spec. */
  apply(clusterId: string, ds: V1DaemonSet): Promise<ActionResult>;
  /** Delete: the pods go with it; Orphan: the DaemonSet goes, its pods stay. 404 ⇒ already-done. */
  remove(clusterId: string, namespace: string, name: string, policy: 'Delete' | 'Orphan'): Promise<ActionResult>;
}

export interface FleetDeps {
  store: FleetStore;
  registry: { list(): Promise<Pick<ClusterRecord, 'clusterId' | 'labels'>[]> };
  observe(clusterId: string, namespace: string, name: string, now: Date): Promise<ClusterObservation | undefined>;
  daemonSets: FleetDaemonSets;
  timers: { schedule(fleet: string, dueAt: Date, reason: string): Promise<void> };
  clock: Clock;
  telemetry: Telemetry;
}

// The FleetDaemonSet (daemonloop.dev/v1alpha1): one DaemonSet for many clusters, held by the
// control plane in the log. Names follow the anchors: OCM's Progressive rollout (maxConcurrency,
// minSuccessTime, progressDeadline, maxFailures), KubeFleet's stages with approval gates and a plan
// frozen per run, Karmada's ordered overrides.
import type { IntOrString, V1DaemonSetSpec, V1LabelSelector } from '@kubernetes/client-node';

export const FLEET_API_VERSION = 'daemonloop.dev/v1alpha1';
export const FLEET_KIND = 'FleetDaemonSet';

/** Which clusters: those whose registry labels match `clusterSelector`, or those named in `clusters` (either, not both). */
export interface ClusterSelection {
  clusterSelector?: V1LabelSelector;
  clusters?: string[];
}

/** An RFC 7386 JSON merge patch on the DaemonSet spec, for the clusters it selects; applied in list order. */
export interface FleetOverride extends ClusterSelection {
  name: string;
  patch: Record<string, unknown>;
}

export interface FleetStage extends ClusterSelection {
  name: string;
  maxConcurrency?: IntOrString; // clusters at once; "N%" of the stage rounds down, at least 1. Default 1
  minSuccessSeconds?: number; // soak: the stage's clusters stay fully rolled out and available this long
  progressDeadlineSeconds?: number; // a cluster not done this long after it started counts as failed
  maxFailedClusters?: IntOrString; // failures tolerated before the run halts. Default 0
  approval?: boolean; // the stage starts only after `daemonloop fleet approve NAME --stage S`
}

export interface FleetDisruptionBudget {
  /** Nodes whose daemon pod the fleet's rollouts may hold unavailable at once, across all clusters ("N%" of eligible nodes, rounded down, at least 1). */
  maxUnavailableNodes: IntOrString;
  /** Optional rate: at most `nodes` new disruptions within any `windowSeconds`. */
  maxDisruptionsPerWindow?: { nodes: number; windowSeconds: number };
}

export interface FleetDaemonSetSpec {
  template: V1DaemonSetSpec; // apps/v1 DaemonSet spec, passed through to every cluster
  placement: ClusterSelection;
  overrides?: FleetOverride[];
  rollout?: { stages: FleetStage[] };
  disruptionBudget?: FleetDisruptionBudget;
  removalPolicy?: 'Delete' | 'Orphan'; // a cluster leaving the placement: its DaemonSet deleted (default) or left alone
}

export interface FleetDaemonSet {
  apiVersion: typeof FLEET_API_VERSION;
  kind: typeof FLEET_KIND;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec: FleetDaemonSetSpec;
}

/** A cluster as the fleet sees it: its registry id and labels. */
export interface FleetCluster {
  clusterId: string;
  labels: Record<string, string>;
}

/** Annotations the fleet puts on each cluster's DaemonSet: which fleet owns it, at which revision. */
export const FLEET_NAME_ANNOTATION = 'daemonloop.dev/fleet';
export const FLEET_REVISION_ANNOTATION = 'daemonloop.dev/fleet-revision';

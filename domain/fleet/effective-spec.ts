// A cluster's DaemonSet spec: the fleet's template with every override that selects the cluster
// applied in order (Karmada's OverridePolicy, as JSON merge patches). The names of the applied
// overrides are kept, so `fleet get -o yaml` can say why a cluster's spec differs.
import type { V1DaemonSetSpec } from '@kubernetes/client-node';
import { mergePatch } from './merge-patch';
import { selectionMatcher } from './placement';
import type { FleetCluster, FleetDaemonSetSpec } from './types';

export interface EffectiveSpec {
  spec: V1DaemonSetSpec;
  overrides: string[]; // names, in the order applied
}

export function effectiveSpec(fleet: FleetDaemonSetSpec, cluster: FleetCluster): EffectiveSpec {
  let spec = structuredClone(fleet.template);
  const applied: string[] = [];
  for (const override of fleet.overrides ?? []) {
    if (!selectionMatcher(override)(cluster)) continue;
    spec = mergePatch(spec, override.patch);
    applied.push(override.name);
  }
  return { spec, overrides: applied };
}

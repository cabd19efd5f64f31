// SetDefaults_DaemonSet (apps/v1 defaults.go): what the API server fills in before anyone reads the
// object. Our custom resource may arrive without them. The template is left as given: its hash
// must stay templateHash(ds.spec.template); pod construction sets restartPolicy itself.
import type { V1DaemonSet, V1DaemonSetSpec } from '@kubernetes/client-node';

export function withDefaults(ds: V1DaemonSet): V1DaemonSet {
  const spec: Partial<V1DaemonSetSpec> = ds.spec ?? {};
  const updateStrategy = { ...spec.updateStrategy, type: spec.updateStrategy?.type || 'RollingUpdate' };
  if (updateStrategy.type === 'RollingUpdate') {
    updateStrategy.rollingUpdate = {
      ...updateStrategy.rollingUpdate,
      maxUnavailable: updateStrategy.rollingUpdate?.maxUnavailable ?? 1,
      maxSurge: updateStrategy.rollingUpdate?.maxSurge ?? 0,
    };
  }
  return {
    ...ds,
    spec: {
      ...spec,
      updateStrategy,
      revisionHistoryLimit: spec.revisionHistoryLimit ?? 10,
      minReadySeconds: spec.minReadySeconds ?? 0,
    } as V1DaemonSetSpec,
  };
}

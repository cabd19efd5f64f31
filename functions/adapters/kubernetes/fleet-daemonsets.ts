// The fleet's writes to its clusters: create or replace each cluster's DaemonSet (our custom
// resource), or remove it. Reached through each cluster's KubeConfig; every call reports an
// outcome instead of throwing, as the ClusterApi does.
import { CustomObjectsApi, type KubeConfig, type V1DaemonSet } from '@kubernetes/client-node';
import type { FleetDaemonSets } from '../../fleet/ports';
import { classifyApiError } from './api-errors';
import type { ActionResult } from './cluster-api';
import { DAEMONSET_GROUP, DAEMONSET_PLURAL, DAEMONSET_VERSION } from './custom-resource';

const resource = { group: DAEMONSET_GROUP, version: DAEMONSET_VERSION, plural: DAEMONSET_PLURAL };
const failed = (error: unknown): ActionResult => {
  const f = classifyApiError(error);
  return { outcome: 'failed', reason: f.message, retryable: f.retryable };
};

export class KubernetesFleetDaemonSets implements FleetDaemonSets {
  private readonly apis = new Map<string, CustomObjectsApi>();

  constructor(private readonly kubeConfigOf: (clusterId: string) => Promise<KubeConfig>) {}

  async apply(clusterId: string, ds: V1DaemonSet): Promise<ActionResult> {
    const namespace = ds.metadata!.namespace ?? 'default';
    const name = ds.metadata!.name!;
    try {
      const custom = await this.api(clusterId);
      try {
        await custom.createNamespacedCustomObject({ ...resource, namespace, body: ds });
        return { outcome: 'succeeded' };
      } catch (error) {
        if (classifyApiError(error).code !== 409) throw error;
      }
      const current = (await custom.getNamespacedCustomObject({ ...resource, namespace, name })) as V1DaemonSet;
      const metadata = { ...current.metadata, annotations: { ...current.metadata?.annotations, ...ds.metadata!.annotations } };
      await custom.replaceNamespacedCustomObject({ ...resource, namespace, name, body: { ...current, metadata, spec: ds.spec } });
      return { outcome: 'succeeded' };
    } catch (error) {
      return failed(error);
    }
  }

  async remove(clusterId: string, namespace: string, name: string, policy: 'Delete' | 'Orphan'): Promise<ActionResult> {
    try {
      const custom = await this.api(clusterId);
      await custom.deleteNamespacedCustomObject({ ...resource, namespace, name, body: { propagationPolicy: policy === 'Orphan' ? 'Orphan' : 'Background' } });
      return { outcome: 'succeeded' };
    } catch (error) {
      return classifyApiError(error).code === 404 ? { outcome: 'already-done', reason: 'no such DaemonSet' } : failed(error);
    }
  }

  private async api(clusterId: string): Promise<CustomObjectsApi> {
    let api = this.apis.get(clusterId);
    if (!api) {
      api = (await this.kubeConfigOf(clusterId)).makeApiClient(CustomObjectsApi);
      this.apis.set(clusterId, api);
    }
    return api;
  }
}

// How the CLI reaches a cluster — a running `daemonloop up` (the simulator's API, through the
// kubeconfig it writes under .daemonloop/) or any cluster with our custom resource: DaemonSets
// through CustomObjectsApi, and, for the simulated cluster, nodes through CoreV1Api.
import {
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
  type KubeConfig,
  type V1DaemonSet,
  type V1Node,
  type V1Taint,
} from '@kubernetes/client-node';
import { DAEMONSET_GROUP, DAEMONSET_PLURAL, DAEMONSET_VERSION } from '../adapters/kubernetes/custom-resource';

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const resource = { group: DAEMONSET_GROUP, version: DAEMONSET_VERSION, plural: DAEMONSET_PLURAL };
const isConflict = (error: unknown) => (error as { code?: number }).code === 409;
/** What the API server records in managedFields for our writes: the log's answer to "who changed the spec". */
const FIELD_MANAGER = 'daemonloop-cli';

/** What apply sets: a change elsewhere (status, resourceVersion) is not the user's. */
const userFields = (ds: V1DaemonSet) => ({ spec: ds.spec, labels: ds.metadata?.labels, annotations: ds.metadata?.annotations });

export type ApplyAction = 'created' | 'configured' | 'unchanged';

export class ControlPlane {
  private readonly core: CoreV1Api;
  private readonly custom: CustomObjectsApi;

  constructor(kubeConfig: KubeConfig) {
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.custom = kubeConfig.makeApiClient(CustomObjectsApi);
  }

  /** Creates the DaemonSet, or replaces the spec of the one by that name (kubectl apply's effect). */
  async applyDaemonSet(ds: V1DaemonSet): Promise<ApplyAction> {
    return (await this.apply(ds)).action;
  }

  /**
   * kubectl apply's effect, or with `dryRun` the API server's answer without storing anything:
   * the object as it would be, and whether it would be created, configured or left unchanged.
   */
  async apply(ds: V1DaemonSet, options: { dryRun?: boolean } = {}): Promise<{ action: ApplyAction; object: V1DaemonSet }> {
    const namespace = ds.metadata?.namespace ?? 'default';
    const body = { ...ds, metadata: { ...ds.metadata, namespace } };
    const dryRun = options.dryRun ? 'All' : undefined;
    try {
      const object = (await this.custom.createNamespacedCustomObject({ ...resource, namespace, body, fieldManager: FIELD_MANAGER, dryRun })) as V1DaemonSet;
      return { action: 'created', object };
    } catch (error) {
      if (!isConflict(error)) throw error;
    }
    const current = await this.getDaemonSet(namespace, ds.metadata!.name!);
    const object = (await this.custom.replaceNamespacedCustomObject({
      ...resource,
      fieldManager: FIELD_MANAGER,
      namespace,
      name: ds.metadata!.name!,
      body: { ...body, metadata: { ...body.metadata, resourceVersion: current.metadata?.resourceVersion }, status: current.status },
      dryRun,
    })) as V1DaemonSet;
    const unchanged = JSON.stringify(userFields(object)) === JSON.stringify(userFields(current));
    return { action: unchanged ? 'unchanged' : 'configured', object };
  }

  /** A JSON merge patch of the DaemonSet (kubectl rollout pause/resume/restart); `resourceVersion` in it makes it conditional. */
  async patchDaemonSet(namespace: string, name: string, patch: object): Promise<V1DaemonSet> {
    return (await this.custom.patchNamespacedCustomObject({ ...resource, namespace, name, body: patch }, mergePatch)) as V1DaemonSet;
  }

  async getDaemonSet(namespace: string, name: string): Promise<V1DaemonSet> {
    return (await this.custom.getNamespacedCustomObject({ ...resource, namespace, name })) as V1DaemonSet;
  }

  async listDaemonSets(namespace?: string): Promise<V1DaemonSet[]> {
    const list = (
      namespace === undefined ? await this.custom.listClusterCustomObject(resource) : await this.custom.listNamespacedCustomObject({ ...resource, namespace })
    ) as { items: V1DaemonSet[] };
    return list.items;
  }

  /** `propagationPolicy`: Background (the pods go with it) or Orphan (they stay, without an owner). */
  async deleteDaemonSet(namespace: string, name: string, propagationPolicy: 'Background' | 'Foreground' | 'Orphan' = 'Background'): Promise<void> {
    await this.custom.deleteNamespacedCustomObject({ ...resource, namespace, name, body: { propagationPolicy } });
  }

  async listNodes(): Promise<V1Node[]> {
    return (await this.core.listNode()).items;
  }

  /** Registers a node as its kubelet would: Ready from the start (for the simulated cluster). */
  async addNode(name: string, labels: Record<string, string> = {}, taints: V1Taint[] = []): Promise<void> {
    const now = new Date();
    await this.core.createNode({
      body: {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', ...labels } },
        spec: taints.length ? { taints } : {},
        status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: now, lastTransitionTime: now }] },
      },
    });
  }

  async removeNode(name: string): Promise<void> {
    await this.core.deleteNode({ name });
  }

  /** A null value removes the label. */
  async labelNode(name: string, labels: Record<string, string | null>): Promise<void> {
    await this.core.patchNode({ name, body: { metadata: { labels } } }, mergePatch);
  }

  /** Adds the taint (replacing one with its key and effect), or with `remove`, drops every taint with its key and effect. */
  async taintNode(name: string, taint: V1Taint, remove = false): Promise<void> {
    const node = await this.core.readNode({ name });
    const others = (node.spec?.taints ?? []).filter((t) => t.key !== taint.key || t.effect !== taint.effect);
    const taints = remove ? others : [...others, taint];
    await this.core.patchNode(
      { name, body: { metadata: { resourceVersion: node.metadata?.resourceVersion }, spec: { taints: taints.length ? taints : null } } },
      mergePatch,
    );
  }
}

// One kind's changes as observations: an upsert becomes the object's projection unless the
// controller could not tell it from the last one sent (a node heartbeat), a deletion becomes a
// tombstone, a (re)list becomes a relist marker naming the uids present.
import type { KubernetesObject, V1DaemonSet, V1Node, V1Pod } from '@kubernetes/client-node';
import {
  DAEMONSET_DELETED,
  DAEMONSET_OBSERVED,
  NODE_DELETED,
  NODE_OBSERVED,
  POD_DELETED,
  POD_OBSERVED,
  type Observation,
  type RelistCompleted,
} from '../../domain/events';
import { projectDaemonSet, projectNode, projectPod, sameForController } from '../../domain/projection';
import type { Telemetry } from '../observability';
import { relistMarkers } from './relist-marker';

export type ObservationBase = { clusterId: string; schemaVersion: number; time: string };

export interface KindSpec<T extends KubernetesObject> {
  kind: RelistCompleted['kind'];
  project(obj: T): T;
  observed(projection: T, base: ObservationBase): Observation;
  deleted: typeof NODE_DELETED | typeof POD_DELETED | typeof DAEMONSET_DELETED;
}

export const NODE_KIND: KindSpec<V1Node> = {
  kind: 'Node',
  project: projectNode,
  observed: (node, base) => ({ type: NODE_OBSERVED, ...base, node }),
  deleted: NODE_DELETED,
};
export const POD_KIND: KindSpec<V1Pod> = {
  kind: 'Pod',
  project: projectPod,
  observed: (pod, base) => ({ type: POD_OBSERVED, ...base, pod }),
  deleted: POD_DELETED,
};
export const DAEMONSET_KIND: KindSpec<V1DaemonSet> = {
  kind: 'DaemonSet',
  project: projectDaemonSet,
  observed: (daemonSet, base) => ({ type: DAEMONSET_OBSERVED, ...base, daemonSet }),
  deleted: DAEMONSET_DELETED,
};

export class KindForwarder<T extends KubernetesObject> {
  private readonly lastSent = new Map<string, T>(); // uid → the projection last sent

  constructor(
    private readonly spec: KindSpec<T>,
    private readonly deps: { send(o: Observation): void; base(): ObservationBase; telemetry: Telemetry },
    /** Which objects the controller reads (all nodes and DaemonSets; daemon pods only). */
    private readonly wanted: (obj: T) => boolean = () => true,
  ) {}

  upsert(obj: T): void {
    const uid = obj.metadata?.uid ?? '';
    const wanted = this.wanted(obj);
    if (!wanted && !this.lastSent.has(uid)) return;
    const projection = this.spec.project(obj);
    const previous = this.lastSent.get(uid);
    if (previous && sameForController(previous, projection)) return this.deps.telemetry.count('forwarder.unchanged_dropped');
    // An object the controller stops reading (a pod whose labels no longer match) is sent once more, so the log sees why.
    if (wanted) this.lastSent.set(uid, projection);
    else this.lastSent.delete(uid);
    this.deps.send(this.spec.observed(projection, this.deps.base()));
  }

  delete(obj: T): void {
    const uid = obj.metadata?.uid ?? '';
    if (!this.wanted(obj) && !this.lastSent.has(uid)) return;
    this.lastSent.delete(uid);
    const { namespace, name = '', resourceVersion = '' } = obj.metadata ?? {};
    this.deps.send({ type: this.spec.deleted, ...this.deps.base(), ref: { ...(namespace ? { namespace } : {}), name, uid, resourceVersion } });
  }

  listed(items: readonly T[], resourceVersion: string): void {
    const present = items.filter(this.wanted).map((o) => o.metadata?.uid ?? '');
    for (const marker of relistMarkers({ ...this.deps.base(), kind: this.spec.kind, resourceVersion }, present)) this.deps.send(marker);
  }

  /** Whether the object with this uid was sent and not since dropped. */
  sent(uid: string): boolean {
    return this.lastSent.has(uid);
  }
}

// The pod garbage collector's orphan rule (kube-controller-manager podgc): pods bound to a node
// that was deleted are force-deleted.
import type { Registry } from './registry';
import { NODES, PODS } from './resources';

export class PodGarbageCollector {
  constructor(registry: Registry) {
    registry.store.onChange(({ resource, type, object }) => {
      if (resource !== NODES || type !== 'DELETED') return;
      for (const pod of registry.store.list(PODS, { nodeName: object.metadata.name })) {
        registry.delete(PODS, pod.metadata.namespace, pod.metadata.name, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } });
      }
    });
  }
}

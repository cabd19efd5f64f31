// The node lifecycle controller's taint eviction: a pod on a node with a NoExecute taint it does
// not tolerate is deleted at once; one tolerating it for `tolerationSeconds` is deleted when that
// time has passed on the clock (unless the taint went away first).
import type { V1Taint, V1Toleration } from '@kubernetes/client-node';
import type { Registry } from './registry';
import { NODES, PODS } from './resources';
import { tolerates } from './scheduler';
import type { KubeObject } from './selectors';

export class TaintEviction {
  private readonly pending = new Map<string, () => void>(); // pod uid → cancel its eviction

  constructor(private readonly registry: Registry) {
    registry.store.onChange(({ resource, type, object }) => {
      if (resource === NODES && type !== 'DELETED') for (const pod of registry.store.list(PODS, { nodeName: object.metadata.name })) this.check(pod, object);
      if (resource === PODS && type === 'ADDED' && object.spec?.nodeName) {
        const node = registry.store.get(NODES, undefined, object.spec.nodeName as string);
        if (node) this.check(object, node);
      }
      if (resource === PODS && type === 'DELETED') this.cancel(object.metadata.uid);
    });
  }

  stop(): void {
    for (const uid of [...this.pending.keys()]) this.cancel(uid);
  }

  private check(pod: KubeObject, node: KubeObject): void {
    if (pod.metadata.deletionTimestamp) return;
    const tolerations = (pod.spec?.tolerations as V1Toleration[] | undefined) ?? [];
    const noExecute = ((node.spec?.taints as V1Taint[] | undefined) ?? []).filter((t) => t.effect === 'NoExecute');
    if (noExecute.some((t) => !tolerates(tolerations, t))) return this.evict(pod);
    // The shortest tolerationSeconds among the tolerations that match a taint bounds the stay.
    const limits = noExecute.flatMap((t) => tolerations.filter((x) => tolerates([x], t) && x.tolerationSeconds !== undefined).map((x) => x.tolerationSeconds!));
    if (limits.length === 0) return this.cancel(pod.metadata.uid);
    if (this.pending.has(pod.metadata.uid)) return; // counting since the taint came (node updates do not restart it)
    const cancel = this.registry.clock.setTimer(Math.min(...limits) * 1000, () => {
      this.pending.delete(pod.metadata.uid);
      this.evict(pod);
    });
    this.pending.set(pod.metadata.uid, cancel);
  }

  private cancel(uid: string): void {
    this.pending.get(uid)?.();
    this.pending.delete(uid);
  }

  private evict(pod: KubeObject): void {
    const current = this.registry.store.get(PODS, pod.metadata.namespace, pod.metadata.name);
    if (current?.metadata.uid !== pod.metadata.uid || current.metadata.deletionTimestamp) return;
    this.registry.delete(PODS, pod.metadata.namespace, pod.metadata.name, { preconditions: { uid: pod.metadata.uid } });
  }
}

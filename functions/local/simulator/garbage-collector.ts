// The garbage collector (kube-controller-manager's garbagecollector): dependents of a vanished
// owner are deleted (or lose the dangling reference when another owner remains); an owner deleted
// with the `orphan` finalizer first strips its references from dependents; one deleted with
// `foregroundDeletion` waits until dependents with blockOwnerDeletion are gone.
import { FOREGROUND_FINALIZER, ORPHAN_FINALIZER, sameJson, type Registry } from './registry';
import type { ResourceType } from './resources';
import type { KubeObject } from './selectors';
import type { Change } from './store';

export class GarbageCollector {
  private readonly queue = new Set<string>(); // uids whose ownership needs a look
  private scheduled = false;

  constructor(private readonly registry: Registry) {
    registry.store.onChange((change) => this.observe(change));
  }

  private observe({ type, object, old }: Change): void {
    const uid = object.metadata.uid;
    if (type === 'DELETED') this.enqueue(uid);
    else if (object.metadata.deletionTimestamp && object.metadata.finalizers?.some((f) => f === ORPHAN_FINALIZER || f === FOREGROUND_FINALIZER))
      this.enqueue(uid);
    if (type === 'ADDED' || (type === 'MODIFIED' && !sameJson(old?.metadata.ownerReferences, object.metadata.ownerReferences))) {
      for (const ref of object.metadata.ownerReferences ?? []) this.enqueue(ref.uid);
    }
    // A dependent that went away may unblock an owner in foreground deletion.
    if (type === 'DELETED') for (const ref of object.metadata.ownerReferences ?? []) this.enqueue(ref.uid);
  }

  private enqueue(uid: string): void {
    this.queue.add(uid);
    if (this.scheduled) return;
    this.scheduled = true;
    // Asynchronous, as the real collector is: clients see the owner's deletion before its dependents'.
    setImmediate(() => {
      this.scheduled = false;
      const uids = [...this.queue];
      this.queue.clear();
      for (const u of uids) this.process(u);
    });
  }

  private process(ownerUid: string): void {
    const owner = this.registry.store.findByUid(ownerUid);
    const dependents = this.registry.store.dependentsOf(ownerUid);
    if (!owner) {
      for (const d of dependents) this.releaseOrDelete(d.resource, d.object, ownerUid);
      return;
    }
    const finalizers = owner.object.metadata.finalizers ?? [];
    if (!owner.object.metadata.deletionTimestamp) return;
    if (finalizers.includes(ORPHAN_FINALIZER)) {
      for (const d of dependents) this.stripReference(d.resource, d.object, ownerUid);
      this.removeFinalizer(owner.resource, owner.object, ORPHAN_FINALIZER);
    } else if (finalizers.includes(FOREGROUND_FINALIZER)) {
      const blocking = dependents.filter((d) => d.object.metadata.ownerReferences?.some((r) => r.uid === ownerUid && r.blockOwnerDeletion));
      for (const d of dependents) if (!d.object.metadata.deletionTimestamp) this.tryDelete(d.resource, d.object);
      if (blocking.length === 0) this.removeFinalizer(owner.resource, owner.object, FOREGROUND_FINALIZER);
    }
  }

  /** A dependent whose owner is gone: deleted, unless another of its owners still exists. */
  private releaseOrDelete(resource: ResourceType, dependent: KubeObject, ownerUid: string): void {
    const others = (dependent.metadata.ownerReferences ?? []).filter((r) => r.uid !== ownerUid && this.registry.store.findByUid(r.uid));
    if (others.length > 0) this.stripReference(resource, dependent, ownerUid);
    else if (!dependent.metadata.deletionTimestamp) this.tryDelete(resource, dependent);
  }

  private stripReference(resource: ResourceType, dependent: KubeObject, ownerUid: string): void {
    const current = this.registry.store.get(resource, dependent.metadata.namespace, dependent.metadata.name);
    if (!current || current.metadata.uid !== dependent.metadata.uid) return;
    const refs = (current.metadata.ownerReferences ?? []).filter((r) => r.uid !== ownerUid);
    const metadata = { ...current.metadata, ownerReferences: refs.length ? refs : undefined };
    if (!metadata.ownerReferences) delete metadata.ownerReferences;
    this.registry.replace(resource, current, { ...current, metadata });
  }

  private removeFinalizer(resource: ResourceType, owner: KubeObject, finalizer: string): void {
    const current = this.registry.store.get(resource, owner.metadata.namespace, owner.metadata.name);
    if (!current || current.metadata.uid !== owner.metadata.uid) return;
    const finalizers = (current.metadata.finalizers ?? []).filter((f) => f !== finalizer);
    this.registry.replace(resource, current, { ...current, metadata: { ...current.metadata, finalizers } });
  }

  private tryDelete(resource: ResourceType, dependent: KubeObject): void {
    const { namespace, name, uid } = dependent.metadata;
    const current = this.registry.store.get(resource, namespace, name);
    if (current?.metadata.uid !== uid) return;
    this.registry.delete(resource, namespace, name, { preconditions: { uid }, propagationPolicy: 'Background' });
  }
}

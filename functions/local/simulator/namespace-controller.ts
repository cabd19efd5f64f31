// The namespace controller: a namespace being deleted (Terminating) has its content deleted;
// once nothing is left in it, its `kubernetes` finalizer goes and so does the namespace.
import { NAMESPACE_FINALIZER, type Registry } from './registry';
import { NAMESPACES, RESOURCES } from './resources';

export class NamespaceController {
  private readonly queue = new Set<string>();

  constructor(private readonly registry: Registry) {
    registry.store.onChange(({ resource, type, object }) => {
      if (resource === NAMESPACES && type !== 'DELETED' && object.metadata.deletionTimestamp) this.enqueue(object.metadata.name);
      else if (resource.namespaced && type === 'DELETED' && object.metadata.namespace) {
        if (registry.store.get(NAMESPACES, undefined, object.metadata.namespace)?.metadata.deletionTimestamp) this.enqueue(object.metadata.namespace);
      }
    });
  }

  private enqueue(name: string): void {
    if (this.queue.has(name)) return;
    this.queue.add(name);
    setImmediate(() => {
      this.queue.delete(name);
      this.process(name);
    });
  }

  private process(name: string): void {
    const ns = this.registry.store.get(NAMESPACES, undefined, name);
    if (!ns?.metadata.deletionTimestamp) return;
    const content = RESOURCES.filter((r) => r.namespaced).flatMap((r) => this.registry.store.list(r, { namespace: name }).map((o) => ({ r, o })));
    for (const { r, o } of content) {
      if (!o.metadata.deletionTimestamp)
        this.registry.delete(r, name, o.metadata.name, { preconditions: { uid: o.metadata.uid }, propagationPolicy: 'Background' });
    }
    if (content.length > 0) return; // called again as each object goes
    const finalizers = ((ns.spec?.finalizers as string[] | undefined) ?? []).filter((f) => f !== NAMESPACE_FINALIZER);
    this.registry.replace(NAMESPACES, ns, { ...ns, spec: { ...ns.spec, finalizers } });
  }
}

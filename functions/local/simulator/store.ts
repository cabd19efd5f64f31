// The simulator's etcd: objects per resource, one global resourceVersion counter, the event
// history watches resume from (compactable, so old versions answer 410), and indexes that keep a
// 5,000-node cluster cheap (objects by namespace, pods by node).
import type { ResourceType } from './resources';
import type { KubeObject, ObjectMatcher } from './selectors';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface Change {
  resourceVersion: number;
  resource: ResourceType;
  type: WatchEventType;
  old?: KubeObject;
  object: KubeObject;
}

export type ChangeListener = (change: Change) => void;

/** Stored objects are never mutated: every write stores a fresh object. */
class ResourceTable {
  readonly byNamespace = new Map<string, Map<string, KubeObject>>();

  get(namespace: string, name: string): KubeObject | undefined {
    return this.byNamespace.get(namespace)?.get(name);
  }

  set(obj: KubeObject): void {
    const ns = obj.metadata.namespace ?? '';
    let names = this.byNamespace.get(ns);
    if (!names) this.byNamespace.set(ns, (names = new Map()));
    names.set(obj.metadata.name, obj);
  }

  delete(obj: KubeObject): void {
    const ns = obj.metadata.namespace ?? '';
    const names = this.byNamespace.get(ns);
    names?.delete(obj.metadata.name);
    if (names?.size === 0) this.byNamespace.delete(ns);
  }

  *values(namespace?: string): Iterable<KubeObject> {
    if (namespace !== undefined) {
      yield* this.byNamespace.get(namespace)?.values() ?? [];
      return;
    }
    for (const names of this.byNamespace.values()) yield* names.values();
  }
}

const nodeNameOf = (obj: KubeObject | undefined): string | undefined => (obj?.spec?.nodeName as string | undefined) || undefined;
const podKey = (obj: KubeObject) => `${obj.metadata.namespace}/${obj.metadata.name}`;

export class ObjectStore {
  private revision = 0;
  private readonly tables = new Map<string, ResourceTable>();
  private readonly podsByNode = new Map<string, Map<string, KubeObject>>();
  private readonly byUid = new Map<string, { resource: ResourceType; object: KubeObject }>();
  /** owner uid → its dependents (objects with an ownerReference to it), for the garbage collector. */
  private readonly byOwner = new Map<string, Map<string, { resource: ResourceType; object: KubeObject }>>();
  private history: Change[] = [];
  /** Watches may resume from any version ≥ this one; older ones were compacted away. */
  private oldestResumable = 0;
  private readonly listeners: ChangeListener[] = [];
  private readonly undelivered: Change[] = [];
  private delivering = false;

  constructor(private readonly historyLimit = 200_000) {}

  get resourceVersion(): number {
    return this.revision;
  }

  nextResourceVersion(): string {
    return String(++this.revision);
  }

  onChange(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  get(resource: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.table(resource).get(namespace ?? '', name);
  }

  /** Objects of a resource, optionally in one namespace or (pods) on one node, that match; in etcd's key order (namespace, name). */
  list(resource: ResourceType, options: { namespace?: string; nodeName?: string; match?: ObjectMatcher } = {}): KubeObject[] {
    const source =
      options.nodeName !== undefined && resource.plural === 'pods'
        ? [...(this.podsByNode.get(options.nodeName)?.values() ?? [])].filter(
            (p) => options.namespace === undefined || p.metadata.namespace === options.namespace,
          )
        : this.table(resource).values(options.namespace);
    const keyed: [string, KubeObject][] = [];
    for (const obj of source) if (!options.match || options.match(obj)) keyed.push([`${obj.metadata.namespace ?? ''}/${obj.metadata.name}`, obj]);
    return keyed.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, obj]) => obj); // each key built once, not per comparison
  }

  findByUid(uid: string): { resource: ResourceType; object: KubeObject } | undefined {
    return this.byUid.get(uid);
  }

  dependentsOf(ownerUid: string): { resource: ResourceType; object: KubeObject }[] {
    return [...(this.byOwner.get(ownerUid)?.values() ?? [])];
  }

  /** Records a change: the object already carries its new resourceVersion (from nextResourceVersion). */
  write(resource: ResourceType, type: WatchEventType, object: KubeObject): void {
    const table = this.table(resource);
    const old = table.get(object.metadata.namespace ?? '', object.metadata.name);
    if (type === 'DELETED') table.delete(object);
    else table.set(object);
    const current = type === 'DELETED' ? undefined : object;
    if (resource.plural === 'pods') this.indexPod(old, current);
    this.indexOwners(resource, old, current);
    if (current) this.byUid.set(current.metadata.uid, { resource, object: current });
    else this.byUid.delete(object.metadata.uid);
    const change: Change = { resourceVersion: Number(object.metadata.resourceVersion), resource, type, old, object };
    this.history.push(change);
    // Compact in bulk (a tenth of the limit at a time) so a long run does not copy the history per write.
    if (this.history.length > this.historyLimit * 1.1) this.compact(this.history[this.history.length - this.historyLimit]!.resourceVersion);
    this.deliver(change);
  }

  /** Listeners that write (GC, scheduler, kubelet) queue their changes: every listener sees changes in resourceVersion order. */
  private deliver(change: Change): void {
    this.undelivered.push(change);
    if (this.delivering) return;
    this.delivering = true;
    try {
      for (let next = this.undelivered.shift(); next; next = this.undelivered.shift()) for (const listener of this.listeners) listener(next);
    } finally {
      this.delivering = false;
    }
  }

  /** The changes after `resourceVersion`, or undefined when some of them were compacted away. */
  changesSince(resourceVersion: number): Change[] | undefined {
    if (resourceVersion < this.oldestResumable) return undefined;
    let lo = 0,
      hi = this.history.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.history[mid]!.resourceVersion <= resourceVersion) lo = mid + 1;
      else hi = mid;
    }
    return this.history.slice(lo);
  }

  /** Drops the history before `below` (default: all of it), as etcd compaction does. */
  compact(below = this.revision): void {
    this.history = this.history.filter((c) => c.resourceVersion > below);
    this.oldestResumable = Math.max(this.oldestResumable, below);
  }

  private table(resource: ResourceType): ResourceTable {
    let table = this.tables.get(resource.plural);
    if (!table) this.tables.set(resource.plural, (table = new ResourceTable()));
    return table;
  }

  private indexOwners(resource: ResourceType, old: KubeObject | undefined, current: KubeObject | undefined): void {
    const key = (o: KubeObject) => `${resource.plural}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    for (const ref of old?.metadata.ownerReferences ?? []) {
      const dependents = this.byOwner.get(ref.uid);
      dependents?.delete(key(old!));
      if (dependents?.size === 0) this.byOwner.delete(ref.uid);
    }
    for (const ref of current?.metadata.ownerReferences ?? []) {
      let dependents = this.byOwner.get(ref.uid);
      if (!dependents) this.byOwner.set(ref.uid, (dependents = new Map()));
      dependents.set(key(current!), { resource, object: current! });
    }
  }

  private indexPod(old: KubeObject | undefined, current: KubeObject | undefined): void {
    const before = nodeNameOf(old),
      after = nodeNameOf(current);
    if (before && before !== after) this.podsByNode.get(before)?.delete(podKey(old!));
    if (after && current) {
      let pods = this.podsByNode.get(after);
      if (!pods) this.podsByNode.set(after, (pods = new Map()));
      pods.set(podKey(current), current);
    }
  }
}

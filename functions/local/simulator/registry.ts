// The API server's REST semantics over the store: create, update, patch and delete with the
// bookkeeping the server owns (uid, resourceVersion, creationTimestamp, generation, defaults),
// optimistic concurrency, delete preconditions, graceful deletion and finalizers.
import { randomUUID } from 'node:crypto';
import type { V1DeleteOptions, V1Toleration } from '@kubernetes/client-node';
import type { Clock } from '../../clock';
import { applyPatch } from './patch';
import { apiVersionOf, NAMESPACES, PODS, type ResourceType } from './resources';
import type { KubeObject } from './selectors';
import { alreadyExists, badRequest, conflict, invalid, notFound, staleResourceVersion, StatusError } from './status-error';
import type { ObjectStore } from './store';

/** RFC 3339 with second precision, as the API server writes timestamps. */
export const timestamp = (date: Date): string => date.toISOString().replace(/\.\d+Z$/, 'Z');

export const ORPHAN_FINALIZER = 'orphan';
export const FOREGROUND_FINALIZER = 'foregroundDeletion';
/** A namespace's spec finalizer: the namespace controller removes it once the namespace is empty. */
export const NAMESPACE_FINALIZER = 'kubernetes';

/** A namespace stays (Terminating) while its spec finalizers are there. */
const heldBySpec = (r: ResourceType, obj: KubeObject) => r === NAMESPACES && ((obj.spec?.finalizers as string[] | undefined)?.length ?? 0) > 0;

const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789'; // apiserver's utilrand: no vowels, no confusables
const randomSuffix = () => Array.from({ length: 5 }, () => SUFFIX_ALPHABET[Math.floor(Math.random() * SUFFIX_ALPHABET.length)]).join('');

/** Equal as JSON documents: key order and undefined members do not count. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((x, i) => sameJson(x, (b as unknown[])[i]));
  const defined = (o: object) => Object.entries(o).filter(([, v]) => v !== undefined);
  const left = defined(a),
    right = new Map(defined(b));
  return left.length === right.size && left.every(([k, v]) => right.has(k) && sameJson(v, right.get(k)));
}

/**
 * The DefaultTolerationSeconds admission plugin: a pod that does not say how long it stays on a
 * not-ready or unreachable node stays 300 s (daemon pods say: forever).
 */
function withDefaultTolerationSeconds(tolerations: V1Toleration[]): V1Toleration[] {
  const added = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']
    .filter((key) => !tolerations.some((t) => (t.key === key || (!t.key && t.operator === 'Exists')) && (!t.effect || t.effect === 'NoExecute')))
    .map((key) => ({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }));
  return [...tolerations, ...added];
}

type Subresource = 'status' | undefined;

export class Registry {
  constructor(
    readonly store: ObjectStore,
    readonly clock: Clock,
  ) {}

  get(r: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const obj = this.store.get(r, namespace, name);
    if (!obj) throw notFound(r, name);
    return obj;
  }

  /** POST; with `dryRun` (the API's dryRun=All) everything but storing it. */
  create(r: ResourceType, namespace: string | undefined, body: KubeObject, writer?: Writer, dryRun = false): KubeObject {
    this.checkTypeMeta(r, body);
    const meta = body.metadata ?? ({} as KubeObject['metadata']);
    if (r.namespaced) {
      if (meta.namespace && meta.namespace !== namespace)
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      const ns = this.store.get(NAMESPACES, undefined, namespace!);
      if (!ns) throw notFound(NAMESPACES, namespace!);
      if (ns.metadata.deletionTimestamp)
        throw new StatusError(
          403,
          'Forbidden',
          `${r.plural} "${meta.name ?? ''}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
        );
    }
    const name = meta.name || (meta.generateName ? `${meta.generateName as string}${randomSuffix()}` : '');
    if (!name) throw invalid(r, '', 'metadata.name: Required value: name or generateName is required');
    if (this.store.get(r, namespace, name)) throw alreadyExists(r, name);
    const obj: KubeObject = {
      ...body,
      apiVersion: apiVersionOf(r),
      kind: r.kind,
      metadata: {
        ...meta,
        name,
        ...(r.namespaced ? { namespace } : {}),
        uid: randomUUID(),
        ...(dryRun ? {} : { resourceVersion: this.store.nextResourceVersion() }),
        creationTimestamp: timestamp(this.clock.now()),
        ...(r.hasGeneration ? { generation: 1 } : {}),
      },
    };
    delete obj.metadata.deletionTimestamp;
    delete obj.metadata.deletionGracePeriodSeconds;
    stampManager(obj, undefined, writer, undefined, this.clock.now());
    this.prepareForCreate(r, obj);
    if (dryRun) return obj;
    this.store.write(r, 'ADDED', obj);
    return obj;
  }

  /** PUT: the body replaces the object; a stale resourceVersion or another uid is a conflict. */
  update(
    r: ResourceType,
    namespace: string | undefined,
    name: string,
    body: KubeObject,
    subresource?: Subresource,
    writer?: Writer,
    dryRun = false,
  ): KubeObject {
    this.checkTypeMeta(r, body);
    const old = this.get(r, namespace, name);
    if (body.metadata?.name !== undefined && body.metadata.name !== name)
      throw badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`);
    const rv = body.metadata?.resourceVersion;
    if (rv && rv !== old.metadata.resourceVersion) throw staleResourceVersion(r, name);
    const uid = body.metadata?.uid;
    if (uid && uid !== old.metadata.uid) throw conflict(r, name, `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${old.metadata.uid}`);
    const next = this.prepareForUpdate(r, old, body, subresource);
    stampManager(next, old, writer, subresource, this.clock.now());
    const { managedFields: _before, ...was } = old.metadata,
      { managedFields: _after, ...is } = next.metadata;
    if (sameJson({ ...next, metadata: { ...is, resourceVersion: '' } }, { ...old, metadata: { ...was, resourceVersion: '' } })) return old; // a no-op write records no manager
    return dryRun ? next : this.replace(r, old, next);
  }

  patch(
    r: ResourceType,
    namespace: string | undefined,
    name: string,
    contentType: string,
    patch: unknown,
    subresource?: Subresource,
    writer?: Writer,
  ): KubeObject {
    const old = this.get(r, namespace, name);
    const patched = applyPatch(old, contentType, patch) as KubeObject; // never mutates `old`
    return this.update(r, namespace, name, patched, subresource, writer);
  }

  delete(r: ResourceType, namespace: string | undefined, name: string, options: V1DeleteOptions = {}): KubeObject {
    const obj = this.get(r, namespace, name);
    const pre = options.preconditions;
    if (pre?.uid && pre.uid !== obj.metadata.uid)
      throw conflict(r, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${obj.metadata.uid}`);
    if (pre?.resourceVersion && pre.resourceVersion !== obj.metadata.resourceVersion)
      throw conflict(
        r,
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${obj.metadata.resourceVersion}`,
      );
    const policy = options.propagationPolicy ?? (options.orphanDependents ? 'Orphan' : 'Background');
    if (!['Orphan', 'Foreground', 'Background'].includes(policy)) throw invalid(r, name, `propagationPolicy: Unsupported value: "${policy}"`);
    const finalizers = [...(obj.metadata.finalizers ?? [])];
    const wanted = policy === 'Orphan' ? ORPHAN_FINALIZER : policy === 'Foreground' ? FOREGROUND_FINALIZER : undefined;
    if (wanted && !finalizers.includes(wanted) && !obj.metadata.deletionTimestamp) finalizers.push(wanted);
    const grace = this.gracePeriod(r, obj, options.gracePeriodSeconds);
    const deleting = obj.metadata.deletionTimestamp !== undefined;
    // Deleting again only shortens a grace period; finalizers hold the object until removed.
    if (finalizers.length === 0 && grace === 0 && !heldBySpec(r, obj)) return this.remove(r, obj);
    if (deleting && grace >= (obj.metadata.deletionGracePeriodSeconds ?? 0)) return obj;
    const now = this.clock.now().getTime();
    return this.replace(r, obj, {
      ...obj,
      metadata: {
        ...obj.metadata,
        finalizers: finalizers.length ? finalizers : undefined,
        deletionTimestamp: timestamp(new Date(now + grace * 1000)),
        deletionGracePeriodSeconds: grace,
      },
      ...(r === NAMESPACES ? { status: { ...obj.status, phase: 'Terminating' } } : {}),
    });
  }

  /** Removes an object for good: the final step of a deletion (kubelet, GC, or no grace/finalizers). */
  remove(r: ResourceType, obj: KubeObject): KubeObject {
    const gone = { ...obj, metadata: { ...obj.metadata, resourceVersion: this.store.nextResourceVersion() } };
    this.store.write(r, 'DELETED', gone);
    return gone;
  }

  /** Stores `next` as the new version of `old` unless nothing changed; a deleting object whose last finalizer went is removed. */
  replace(r: ResourceType, old: KubeObject, next: KubeObject): KubeObject {
    if (!next.metadata.finalizers?.length) delete next.metadata.finalizers;
    if (next.metadata.deletionTimestamp && !next.metadata.finalizers && !heldBySpec(r, next) && (next.metadata.deletionGracePeriodSeconds ?? 0) === 0)
      return this.remove(r, next);
    const unchanged = sameJson(
      { ...next, metadata: { ...next.metadata, resourceVersion: '' } },
      { ...old, metadata: { ...old.metadata, resourceVersion: '' } },
    );
    if (unchanged) return old;
    const stored = { ...next, metadata: { ...next.metadata, resourceVersion: this.store.nextResourceVersion() } };
    this.store.write(r, 'MODIFIED', stored);
    return stored;
  }

  private checkTypeMeta(r: ResourceType, body: KubeObject): void {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('the request body must be a JSON object');
    if (body.apiVersion && body.apiVersion !== apiVersionOf(r))
      throw badRequest(`the API version in the data (${body.apiVersion}) does not match the expected API version (${apiVersionOf(r)})`);
    if (body.kind && body.kind !== r.kind) throw badRequest(`the kind in the data (${body.kind}) does not match the expected kind (${r.kind})`);
  }

  private prepareForCreate(r: ResourceType, obj: KubeObject): void {
    if (r === PODS) {
      obj.spec = { restartPolicy: 'Always', terminationGracePeriodSeconds: 30, dnsPolicy: 'ClusterFirst', schedulerName: 'default-scheduler', ...obj.spec };
      obj.spec.tolerations = withDefaultTolerationSeconds((obj.spec.tolerations as V1Toleration[] | undefined) ?? []);
      obj.status = { phase: 'Pending' };
    } else if (r === NAMESPACES) {
      obj.spec = { finalizers: [NAMESPACE_FINALIZER] };
      obj.status = { phase: 'Active' };
    } else if (r.hasGeneration) delete obj.status; // a custom resource's status is written through /status only
  }

  /** What an update may change: the main resource never writes status, /status writes only status. */
  private prepareForUpdate(r: ResourceType, old: KubeObject, body: KubeObject, subresource: Subresource): KubeObject {
    if (subresource === 'status') return { ...old, status: body.status };
    const next: KubeObject = {
      ...body,
      apiVersion: old.apiVersion,
      kind: old.kind,
      metadata: {
        ...body.metadata,
        name: old.metadata.name,
        namespace: old.metadata.namespace,
        uid: old.metadata.uid,
        creationTimestamp: old.metadata.creationTimestamp,
        deletionTimestamp: old.metadata.deletionTimestamp,
        deletionGracePeriodSeconds: old.metadata.deletionGracePeriodSeconds,
        resourceVersion: old.metadata.resourceVersion,
      },
    };
    for (const key of ['namespace', 'deletionTimestamp', 'deletionGracePeriodSeconds'] as const)
      if (next.metadata[key] === undefined) delete next.metadata[key];
    if (r.hasStatus) {
      if (old.status === undefined) delete next.status;
      else next.status = old.status;
    }
    if (r.hasGeneration) next.metadata.generation = (old.metadata.generation ?? 1) + (sameJson(old.spec, body.spec) ? 0 : 1);
    if (old.metadata.deletionTimestamp) {
      // A deleting object may lose finalizers but gain none (the API server forbids new ones).
      const kept = (next.metadata.finalizers ?? []).filter((f) => old.metadata.finalizers?.includes(f));
      next.metadata.finalizers = kept;
    }
    return next;
  }

  /** Pods terminate gracefully when bound to a node and not finished; everything else goes at once. */
  private gracePeriod(r: ResourceType, obj: KubeObject, requested: number | undefined): number {
    if (r !== PODS) return 0;
    const phase = obj.status?.phase;
    if (!obj.spec?.nodeName || phase === 'Succeeded' || phase === 'Failed') return 0;
    return requested ?? (obj.spec.terminationGracePeriodSeconds as number | undefined) ?? 30;
  }
}

/** Who writes: the request's fieldManager, else its user agent's program name (as the API server defaults it). */
export interface Writer {
  manager: string;
  operation: 'Update' | 'Apply';
}

/**
 * managedFields as the API server keeps them, without the field sets: one entry per manager and
 * subresource, its time the last write. Only an object written through the API with a writer gets them.
 */
function stampManager(next: KubeObject, old: KubeObject | undefined, writer: Writer | undefined, subresource: Subresource | undefined, now: Date): void {
  const kept = (old?.metadata.managedFields ?? []) as { manager?: string; subresource?: string }[];
  if (!writer) {
    if (old?.metadata.managedFields) next.metadata.managedFields = old.metadata.managedFields;
    else delete next.metadata.managedFields;
    return;
  }
  const entry = {
    manager: writer.manager,
    operation: writer.operation,
    apiVersion: next.apiVersion,
    time: timestamp(now),
    fieldsType: 'FieldsV1',
    ...(subresource ? { subresource } : {}),
  };
  next.metadata.managedFields = [...kept.filter((f) => f.manager !== writer.manager || f.subresource !== subresource), entry];
}

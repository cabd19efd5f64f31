// Projections: the part of each object the controller reads. Observations store these, never whole
// objects, so the log stays small (a node's status alone is kilobytes of images and conditions) and
// an update that changes nothing here (a node heartbeat) can be dropped at the forwarder.
import type { V1ContainerStatus, V1DaemonSet, V1Node, V1NodeSelectorTerm, V1ObjectMeta, V1Pod, V1PodCondition } from '@kubernetes/client-node';

/**
 * Node: identity, labels (node affinity, nodeSelector), taints and unschedulable (eligibility);
 * allocatable CPU and memory (the planner's fit check — it changes only when the kubelet restarts).
 */
export function projectNode(node: V1Node): V1Node {
  const m = node.metadata ?? {};
  const spec = node.spec;
  const allocatable = node.status?.allocatable;
  return defined({
    metadata: defined({ name: m.name, uid: m.uid, resourceVersion: m.resourceVersion, labels: m.labels }),
    spec: spec
      ? defined({
          taints: spec.taints?.map((t) => defined({ key: t.key, value: t.value, effect: t.effect })),
          unschedulable: spec.unschedulable,
        })
      : undefined,
    status:
      allocatable?.cpu !== undefined || allocatable?.memory !== undefined
        ? { allocatable: defined({ cpu: allocatable.cpu, memory: allocatable.memory }) as Record<string, string> }
        : undefined,
  });
}

/**
 * Pod: identity and ownership, the node it runs on or targets (spec.nodeName, or the
 * `metadata.name` matchFields term a daemon pod is scheduled by), phase, the Ready condition
 * whose lastTransitionTime gates minReadySeconds, and each container's restartCount (a crash
 * loop counts against a rollout's failure budget; a restart is rare, so this adds few events).
 */
export function projectPod(pod: V1Pod): V1Pod {
  const m = pod.metadata ?? {};
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
  const targetTerms = targetNodeTerms(pod);
  return defined({
    metadata: defined({
      name: m.name,
      namespace: m.namespace,
      uid: m.uid,
      resourceVersion: m.resourceVersion,
      labels: m.labels,
      ownerReferences: m.ownerReferences,
      creationTimestamp: m.creationTimestamp,
      deletionTimestamp: m.deletionTimestamp,
    }),
    spec: defined({
      containers: [], // required by the V1PodSpec type; the controller never reads them
      nodeName: pod.spec?.nodeName,
      affinity: targetTerms ? { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: targetTerms } } } : undefined,
    }),
    status: pod.status
      ? defined({ phase: pod.status.phase, conditions: ready ? [projectCondition(ready)] : undefined, containerStatuses: restartCounts(pod) })
      : undefined,
  });
}

/** DaemonSet: what it is (full spec), what it said last (status), and how it is identified and owned. */
export function projectDaemonSet(ds: V1DaemonSet): V1DaemonSet {
  const m = ds.metadata ?? {};
  return defined({
    apiVersion: ds.apiVersion, // our custom resource's group: pods' ownerReferences must name it
    kind: ds.kind,
    metadata: defined({
      name: m.name,
      namespace: m.namespace,
      uid: m.uid,
      generation: m.generation,
      resourceVersion: m.resourceVersion,
      labels: m.labels,
      annotations: m.annotations,
      creationTimestamp: m.creationTimestamp,
      deletionTimestamp: m.deletionTimestamp,
      managedFields: managers(m.managedFields),
    } satisfies V1ObjectMeta),
    spec: ds.spec,
    status: ds.status,
  });
}

/**
 * Who wrote the object: each managedFields entry's manager (the client's field manager, or its user
 * agent when it named none), operation, subresource and time — without the field sets, which are large.
 */
function managers(entries: V1ObjectMeta['managedFields']): V1ObjectMeta['managedFields'] {
  return entries?.map((f) => defined({ manager: f.manager, operation: f.operation, subresource: f.subresource, time: f.time }));
}

/** Two projections the controller cannot tell apart: equal in everything but resourceVersion. */
export function sameForController<T extends V1Node | V1Pod | V1DaemonSet>(a: T, b: T): boolean {
  const { resourceVersion: _a, ...metaA } = a.metadata ?? {};
  const { resourceVersion: _b, ...metaB } = b.metadata ?? {};
  return deepEqual({ ...a, metadata: metaA }, { ...b, metadata: metaB });
}

function targetNodeTerms(pod: V1Pod): V1NodeSelectorTerm[] | undefined {
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  const kept = terms.map((t) => ({ matchFields: (t.matchFields ?? []).filter((f) => f.key === 'metadata.name') })).filter((t) => t.matchFields.length > 0);
  return kept.length > 0 ? kept : undefined;
}

/** Only containers that restarted: the usual pod carries none. */
function restartCounts(pod: V1Pod): V1ContainerStatus[] | undefined {
  const restarted = (pod.status?.containerStatuses ?? []).filter((c) => (c.restartCount ?? 0) > 0);
  return restarted.length > 0 ? restarted.map((c) => ({ name: c.name, restartCount: c.restartCount }) as V1ContainerStatus) : undefined;
}

function projectCondition(c: V1PodCondition): V1PodCondition {
  return defined({ type: c.type, status: c.status, lastTransitionTime: c.lastTransitionTime });
}

/** Drops undefined members, so a projection serializes and compares the same before and after a JSON trip. */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

// Dates compare by instant, and a Date equals its ISO string: a projection read back from JSON
// must still compare equal to the one it was written from.
function deepEqual(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date) return instant(a) !== undefined && instant(a) === instant(b);
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function instant(v: unknown): number | undefined {
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'string') return Date.parse(v);
  return undefined;
}

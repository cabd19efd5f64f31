// Construction of daemon pods (util/daemonset_util.go: CreatePodTemplate, AddOrUpdateDaemonPodTolerations,
// ReplaceDaemonSetPodNodeNameNodeAffinity, GetTargetNodeName) and our deterministic pod names.
import type { V1Affinity, V1DaemonSet, V1OwnerReference, V1Pod, V1PodSpec, V1Toleration } from '@kubernetes/client-node';
import { shortHash } from './hash';
import { CONTROLLER_REVISION_HASH_LABEL, POD_TEMPLATE_GENERATION_LABEL } from './labels';

const NODE_KEY = 'node.kubernetes.io/';
const exists = (key: string, effect: string): V1Toleration => ({ key: NODE_KEY + key, operator: 'Exists', effect });

/** In upstream's order. Only not-ready/unreachable NoExecute: a NotReady node's NoSchedule taint still bars new pods. */
const DEFAULT_TOLERATIONS: readonly V1Toleration[] = [
  exists('not-ready', 'NoExecute'),
  exists('unreachable', 'NoExecute'),
  exists('disk-pressure', 'NoSchedule'),
  exists('memory-pressure', 'NoSchedule'),
  exists('pid-pressure', 'NoSchedule'),
  exists('unschedulable', 'NoSchedule'),
];
const HOST_NETWORK_TOLERATION = exists('network-unavailable', 'NoSchedule');

const sameToleration = (a: V1Toleration, b: V1Toleration) =>
  (a.key ?? '') === (b.key ?? '') && (a.operator ?? '') === (b.operator ?? '') && (a.value ?? '') === (b.value ?? '') && (a.effect ?? '') === (b.effect ?? '');

/**
 * The template's tolerations plus the daemon defaults (AddOrUpdateTolerationInPodSpec): every user
 * toleration equal in key, operator, value and effect is replaced in place by the default, which
 * drops its tolerationSeconds (a daemon pod is never evicted for these); without a match the
 * default is appended. Upstream's "already deep-equal, change nothing" check compares a pointer
 * with a value, so it never holds: an exact copy does not shield a later duplicate.
 */
export function daemonPodTolerations(spec: V1PodSpec | undefined): V1Toleration[] {
  let tolerations = Array.isArray(spec?.tolerations) ? spec.tolerations.map((t) => ({ ...t })) : [];
  const defaults = spec?.hostNetwork === true ? [...DEFAULT_TOLERATIONS, HOST_NETWORK_TOLERATION] : DEFAULT_TOLERATIONS;
  for (const d of defaults) {
    const matched = tolerations.some((t) => sameToleration(t, d));
    tolerations = matched ? tolerations.map((t) => (sameToleration(t, d) ? { ...d } : t)) : [...tolerations, { ...d }];
  }
  return tolerations;
}

/**
 * The pod's required node affinity becomes one `metadata.name In [node]` term: the controller has
 * already evaluated the user's terms, and the term lets us find the node before the pod is bound.
 */
export function replaceNodeNameNodeAffinity(affinity: V1Affinity | undefined, nodeName: string): V1Affinity {
  const required = { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }] };
  return {
    ...affinity,
    nodeAffinity: { ...affinity?.nodeAffinity, requiredDuringSchedulingIgnoredDuringExecution: required },
  };
}

/** GetTargetNodeName: spec.nodeName, else the single value of the first `metadata.name In` field term. */
export function podTargetNodeName(pod: V1Pod): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  for (const term of Array.isArray(terms) ? terms : []) {
    for (const field of Array.isArray(term?.matchFields) ? term.matchFields : []) {
      if (field?.key === 'metadata.name' && field.operator === 'In')
        return Array.isArray(field.values) && field.values.length === 1 ? field.values[0] : undefined;
    }
  }
  return undefined;
}

export function controllerRef(ds: V1DaemonSet): V1OwnerReference {
  return {
    apiVersion: ds.apiVersion || 'apps/v1',
    kind: ds.kind || 'DaemonSet',
    name: ds.metadata?.name ?? '',
    uid: ds.metadata?.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

const NAME_LIMIT = 63;

/**
 * `<ds name>-<hash of (ds uid, node, revision hash, attempt)>`: a retried create of the same
 * decision asks for the same name and gets 409 instead of a second pod. `attempt` moves past a
 * name still held by an earlier pod (e.g. a Failed pod kept by a finalizer). A valid DNS label.
 */
export function daemonPodName(ds: V1DaemonSet, nodeName: string, hash: string, attempt = 0): string {
  const suffix = shortHash(`${ds.metadata?.uid ?? ''}/${nodeName}/${hash}/${attempt}`);
  const base = (ds.metadata?.name ?? '')
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .slice(0, NAME_LIMIT - suffix.length - 1)
    .replace(/^-+|-+$/g, '');
  return base ? `${base}-${suffix}` : suffix;
}

/** CreatePodTemplate + the per-node affinity: the full manifest the applier sends. */
export function newDaemonPod(ds: V1DaemonSet, nodeName: string, hash: string, generation: number | undefined, name: string): V1Pod {
  const template = ds.spec?.template;
  const spec: V1PodSpec = structuredClone(template?.spec ?? { containers: [] });
  spec.tolerations = daemonPodTolerations(template?.spec);
  spec.affinity = replaceNodeNameNodeAffinity(spec.affinity, nodeName);
  spec.restartPolicy = 'Always';
  const labels: Record<string, string> = { ...template?.metadata?.labels };
  if (hash) labels[CONTROLLER_REVISION_HASH_LABEL] = hash;
  if (generation !== undefined) labels[POD_TEMPLATE_GENERATION_LABEL] = String(generation);
  const metadata: V1Pod['metadata'] = { name, namespace: ds.metadata?.namespace, labels, ownerReferences: [controllerRef(ds)] };
  if (template?.metadata?.annotations) metadata.annotations = { ...template.metadata.annotations };
  if (template?.metadata?.finalizers) metadata.finalizers = [...template.metadata.finalizers];
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec };
}

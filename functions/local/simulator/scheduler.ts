// The scheduler's part for daemon pods: a pod aimed at one node (required node affinity
// `matchFields metadata.name In [node]`, as the DaemonSet controller writes it) is bound to that
// node once the node exists, its NoSchedule/NoExecute taints are tolerated and its allocatable CPU
// and memory cover the pod's requests on top of every non-terminal pod bound there (NodeResourcesFit;
// a terminating pod still counts until it is gone). Its own arithmetic, kept apart from the
// domain's, so the planner's fit check is compared with an independent one.
import type { V1Pod, V1Taint, V1Toleration } from '@kubernetes/client-node';
import { timestamp, type Registry } from './registry';
import { NODES, PODS } from './resources';
import type { KubeObject } from './selectors';
import type { Change } from './store';

/** The single node a pod's required node affinity pins it to, if any. */
function targetNodeName(pod: KubeObject): string | undefined {
  const terms = (pod as V1Pod).spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  for (const term of terms)
    for (const field of term.matchFields ?? [])
      if (field.key === 'metadata.name' && field.operator === 'In' && field.values?.length === 1) return field.values[0];
  return undefined;
}

export function tolerates(tolerations: V1Toleration[], taint: V1Taint): boolean {
  return tolerations.some((t) => {
    if (t.effect && t.effect !== taint.effect) return false;
    if ((t.operator ?? 'Equal') === 'Exists') return !t.key || t.key === taint.key;
    return t.key === taint.key && (t.value ?? '') === (taint.value ?? '');
  });
}

/** A cordoned node carries this taint (the node lifecycle controller adds it). */
const UNSCHEDULABLE_TAINT: V1Taint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

export class Scheduler {
  /** node name → pending pods aimed at it (namespace/name) */
  private readonly waiting = new Map<string, Set<string>>();

  constructor(private readonly registry: Registry) {
    registry.store.onChange((change) => this.observe(change));
  }

  private observe({ resource, type, object }: Change): void {
    if (resource === PODS) {
      if (type !== 'DELETED' && !object.spec?.nodeName && !object.metadata.deletionTimestamp) this.trySchedule(object);
      else this.forget(object);
      // A pod that leaves a node (or stops running there) frees what it requested.
      const freedNode = object.spec?.nodeName as string | undefined;
      if (freedNode && (type === 'DELETED' || isTerminal(object))) this.retry(freedNode);
    } else if (resource === NODES && type !== 'DELETED') this.retry(object.metadata.name);
  }

  private retry(nodeName: string): void {
    for (const key of [...(this.waiting.get(nodeName) ?? [])]) {
      const [namespace, name] = key.split('/') as [string, string];
      const pod = this.registry.store.get(PODS, namespace, name);
      if (pod && !pod.spec?.nodeName) this.trySchedule(pod);
    }
  }

  private trySchedule(pod: KubeObject): void {
    const nodeName = targetNodeName(pod);
    if (!nodeName) return;
    const node = this.registry.store.get(NODES, undefined, nodeName);
    const taints: V1Taint[] = [...((node?.spec?.taints as V1Taint[] | undefined) ?? []), ...(node?.spec?.unschedulable ? [UNSCHEDULABLE_TAINT] : [])];
    const tolerations = (pod.spec?.tolerations as V1Toleration[] | undefined) ?? [];
    const blocking = taints.find((t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tolerates(tolerations, t));
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    const insufficient = node && !blocking ? this.insufficient(pod, node) : [];
    if (node && !blocking && insufficient.length === 0) {
      this.waiting.get(nodeName)?.delete(key);
      this.bind(pod, nodeName);
      return;
    }
    let pods = this.waiting.get(nodeName);
    if (!pods) this.waiting.set(nodeName, (pods = new Set()));
    pods.add(key);
    const message = !node
      ? `0/0 nodes are available: node "${nodeName}" not found.`
      : blocking
        ? `0/1 nodes are available: 1 node(s) had untolerated taint {${blocking.key}: ${blocking.value ?? ''}}.`
        : `0/1 nodes are available: ${insufficient.map((r) => `1 Insufficient ${r}`).join(', ')}.`;
    this.setScheduledCondition(pod, 'False', 'Unschedulable', message);
  }

  /** The resources the node lacks for this pod, given what its bound pods request. */
  private insufficient(pod: KubeObject, node: KubeObject): string[] {
    const allocatable = (node.status?.allocatable ?? {}) as Record<string, string>;
    const used = { cpu: 0, memory: 0 };
    for (const bound of this.registry.store.list(PODS, { nodeName: node.metadata.name })) {
      if (isTerminal(bound)) continue;
      const r = requestsOf(bound);
      used.cpu += r.cpu;
      used.memory += r.memory;
    }
    const wants = requestsOf(pod);
    return (['cpu', 'memory'] as const).filter((r) => allocatable[r] !== undefined && used[r] + wants[r] > quantity(allocatable[r]!));
  }

  private forget(pod: KubeObject): void {
    const nodeName = targetNodeName(pod);
    if (nodeName) this.waiting.get(nodeName)?.delete(`${pod.metadata.namespace}/${pod.metadata.name}`);
  }

  private bind(pod: KubeObject, nodeName: string): void {
    const bound = this.registry.replace(PODS, pod, { ...pod, spec: { ...pod.spec, nodeName } });
    this.setScheduledCondition(bound, 'True');
  }

  private setScheduledCondition(pod: KubeObject, status: string, reason?: string, message?: string): void {
    const conditions = ((pod.status?.conditions as { type: string }[] | undefined) ?? []).filter((c) => c.type !== 'PodScheduled');
    const current = (pod.status?.conditions as { type: string; status: string; message?: string }[] | undefined)?.find((c) => c.type === 'PodScheduled');
    if (current?.status === status && current.message === message) return;
    const condition = { type: 'PodScheduled', status, lastTransitionTime: timestamp(this.registry.clock.now()), ...(reason ? { reason, message } : {}) };
    this.registry.replace(PODS, pod, { ...pod, status: { ...pod.status, conditions: [...conditions, condition] } });
  }
}

const isTerminal = (pod: KubeObject): boolean => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

/** Sum of the containers' requests (a limit stands in for a missing request), in cores and bytes. */
function requestsOf(pod: KubeObject): { cpu: number; memory: number } {
  const sum = { cpu: 0, memory: 0 };
  for (const c of (pod.spec?.containers ?? []) as { resources?: { requests?: Record<string, string>; limits?: Record<string, string> } }[]) {
    const values = { ...c.resources?.limits, ...c.resources?.requests };
    if (values.cpu) sum.cpu += quantity(values.cpu);
    if (values.memory) sum.memory += quantity(values.memory);
  }
  return sum;
}

const SUFFIX: Record<string, number> = { m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
function quantity(text: string): number {
  const match = /^([0-9.]+)([a-zA-Z]*)$/.exec(String(text));
  if (!match || !(match[2]! in SUFFIX)) throw new Error(`simulator: unsupported quantity ${text}`);
  return Number(match[1]) * SUFFIX[match[2]!]!;
}

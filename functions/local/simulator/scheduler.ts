// The scheduler's part for daemon pods: a pod aimed at one node (required node affinity
// `matchFields metadata.name In [node]`, as the DaemonSet controller writes it) is bound to that
// node once the node exists and its NoSchedule/NoExecute taints are tolerated.
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
    } else if (resource === NODES && type !== 'DELETED') {
      for (const key of [...(this.waiting.get(object.metadata.name) ?? [])]) {
        const [namespace, name] = key.split('/') as [string, string];
        const pod = this.registry.store.get(PODS, namespace, name);
        if (pod) this.trySchedule(pod);
      }
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
    if (node && !blocking) {
      this.waiting.get(nodeName)?.delete(key);
      this.bind(pod, nodeName);
      return;
    }
    let pods = this.waiting.get(nodeName);
    if (!pods) this.waiting.set(nodeName, (pods = new Set()));
    pods.add(key);
    const message = node ? `0/1 nodes are available: 1 node(s) had untolerated taint {${blocking!.key}: ${blocking!.value ?? ''}}.` : `0/0 nodes are available: node "${nodeName}" not found.`;
    this.setScheduledCondition(pod, 'False', 'Unschedulable', message);
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

// Node objects as a kubelet registers them, and the node lifecycle controller's NotReady taints.
import type { V1Node, V1NodeCondition, V1Taint } from '@kubernetes/client-node';
import { timestamp } from './registry';
import type { KubeObject } from './selectors';

export interface NodeOptions {
  labels?: Record<string, string>;
  taints?: V1Taint[];
  ready?: boolean;
  unschedulable?: boolean;
  /** What pods may request in total (default 4 CPUs, 16Gi). */
  allocatable?: { cpu: string; memory: string };
}

/** The taints the node lifecycle controller puts on a NotReady node. */
const NOT_READY_TAINTS: V1Taint[] = [
  { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' },
];

function readyCondition(ready: boolean, now: Date): V1NodeCondition {
  const at = timestamp(now) as unknown as Date; // the API's wire form; client-node types it Date
  return ready
    ? { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: at, lastTransitionTime: at }
    : {
        type: 'Ready',
        status: 'False',
        reason: 'KubeletNotReady',
        message: 'container runtime network not ready',
        lastHeartbeatTime: at,
        lastTransitionTime: at,
      };
}

export function newNode(name: string, options: NodeOptions, now: Date): KubeObject {
  const ready = options.ready ?? true;
  const taints = [...(options.taints ?? []), ...(ready ? [] : notReadyTaints(now))];
  const node: V1Node = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', ...options.labels } },
    spec: { ...(taints.length ? { taints } : {}), ...(options.unschedulable ? { unschedulable: true } : {}) },
    status: {
      conditions: [readyCondition(ready, now)],
      capacity: { cpu: '4', memory: '16Gi', pods: '110' },
      allocatable: { cpu: '4', memory: '16Gi', pods: '110', ...options.allocatable },
      addresses: [
        { type: 'InternalIP', address: '10.0.0.1' },
        { type: 'Hostname', address: name },
      ],
      nodeInfo: {
        kubeletVersion: 'v1.32.0',
        kubeProxyVersion: 'v1.32.0',
        containerRuntimeVersion: 'containerd://1.7.0',
        operatingSystem: 'linux',
        architecture: 'amd64',
        osImage: 'daemonloop simulator',
        kernelVersion: '6.1.0',
        machineID: name,
        systemUUID: name,
        bootID: name,
      },
    },
  };
  return node as unknown as KubeObject;
}

function notReadyTaints(now: Date): V1Taint[] {
  return NOT_READY_TAINTS.map((t) => (t.effect === 'NoExecute' ? { ...t, timeAdded: timestamp(now) as unknown as Date } : t));
}

/** The node after its kubelet reports (not) ready: the Ready condition and the not-ready taints follow. */
export function withReadiness(node: KubeObject, ready: boolean, now: Date): KubeObject {
  const conditions = ((node.status?.conditions as V1NodeCondition[] | undefined) ?? []).filter((c) => c.type !== 'Ready');
  const current = (node.status?.conditions as V1NodeCondition[] | undefined)?.find((c) => c.type === 'Ready');
  const unchanged = (current?.status === 'True') === ready;
  const condition = unchanged ? current! : readyCondition(ready, now);
  const others = ((node.spec?.taints as V1Taint[] | undefined) ?? []).filter((t) => t.key !== 'node.kubernetes.io/not-ready');
  const taints = [...others, ...(ready ? [] : notReadyTaints(now))];
  return { ...node, spec: { ...node.spec, taints: taints.length ? taints : undefined }, status: { ...node.status, conditions: [...conditions, condition] } };
}

/** A kubelet status heartbeat: every condition's lastHeartbeatTime moves, nothing else. */
export function withHeartbeat(node: KubeObject, now: Date): KubeObject {
  const conditions = ((node.status?.conditions as V1NodeCondition[] | undefined) ?? []).map((c) => ({ ...c, lastHeartbeatTime: timestamp(now) }));
  return { ...node, status: { ...node.status, conditions } };
}

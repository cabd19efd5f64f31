// Tiny builders for domain tests, after upstream's newDaemonSet("foo") / newNode / newPod and the
// scenario catalogue's conventions (k8s-daemonset-scenarios.md).
import type {
  V1DaemonSet,
  V1DaemonSetStatus,
  V1DaemonSetUpdateStrategy,
  V1LabelSelector,
  V1Node,
  V1NodeCondition,
  V1Pod,
  V1PodSpec,
  V1Taint,
} from '@kubernetes/client-node';
import { reconcile, templateHash, CONTROLLER_REVISION_HASH_LABEL, type ReconcileInput, type ReconcileResult } from '../../domain/index';

export const L = { name: 'simple-daemon', type: 'production' };
export const L2 = { name: 'simple-daemon', type: 'test' };
export const NL = { color: 'blue', speed: 'fast' };
export const NL2 = { color: 'red', speed: 'fast' };
export const T0 = Date.UTC(2026, 0, 1);
/** A time `s` seconds after T0. */
export const at = (s: number): Date => new Date(T0 + s * 1000);
export const NOW = at(1000);

export const OD: V1DaemonSetUpdateStrategy = { type: 'OnDelete' };
export const RU = (maxUnavailable: number | string): V1DaemonSetUpdateStrategy => ({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable } });
export const SU = (maxSurge: number | string): V1DaemonSetUpdateStrategy => ({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge } });

export interface DaemonSetOptions {
  name?: string;
  uid?: string;
  namespace?: string;
  podSpec?: Partial<V1PodSpec>;
  strategy?: V1DaemonSetUpdateStrategy;
  minReadySeconds?: number;
  generation?: number;
  selector?: V1LabelSelector;
  templateLabels?: Record<string, string>;
  status?: Partial<V1DaemonSetStatus>;
  deletionTimestamp?: Date;
}

export function aDaemonSet(o: DaemonSetOptions = {}): V1DaemonSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: {
      name: o.name ?? 'foo',
      namespace: o.namespace ?? 'default',
      uid: o.uid ?? 'U',
      ...(o.generation !== undefined ? { generation: o.generation } : {}),
      ...(o.deletionTimestamp ? { deletionTimestamp: o.deletionTimestamp } : {}),
    },
    spec: {
      selector: o.selector ?? { matchLabels: { ...L } },
      template: {
        metadata: { labels: { ...(o.templateLabels ?? L) } },
        spec: { containers: [{ name: 'foo', image: 'foo/bar' }], ...o.podSpec },
      },
      revisionHistoryLimit: 2,
      minReadySeconds: o.minReadySeconds ?? 0,
      ...(o.strategy ? { updateStrategy: o.strategy } : {}),
    },
    ...(o.status ? { status: o.status as V1DaemonSetStatus } : {}),
  };
}

/** H: the current hash when no revision history is given. */
export const hashOf = (ds: V1DaemonSet): string => templateHash(ds.spec!.template, ds.status?.collisionCount);

/** A changed template: the next revision of `ds`. */
export function withImage(ds: V1DaemonSet, image: string): V1DaemonSet {
  const next = structuredClone(ds);
  next.spec!.template.spec!.containers[0]!.image = image;
  return next;
}

export interface NodeOptions {
  labels?: Record<string, string>;
  taints?: V1Taint[];
  unschedulable?: boolean;
  conditions?: V1NodeCondition[];
}

export function aNode(name: string, o: NodeOptions = {}): V1Node {
  return {
    metadata: { name, ...(o.labels ? { labels: { ...o.labels } } : {}) },
    spec: { ...(o.taints ? { taints: o.taints } : {}), ...(o.unschedulable ? { unschedulable: true } : {}) },
    status: { conditions: o.conditions ?? [{ type: 'Ready', status: 'True' }] },
  };
}

export const nodes = (from: number, to: number, o: NodeOptions = {}): V1Node[] => Array.from({ length: to - from + 1 }, (_, i) => aNode(`node-${from + i}`, o));

export interface PodOptions {
  labels?: Record<string, string>;
  hash?: string | null; // null: no hash label ("old"); default: the DaemonSet's current hash
  owner?: string | null; // controller uid; null: an orphan
  bound?: boolean; // default true; false: targets the node through node affinity
  ready?: boolean | Date; // a Date: Ready since then; true: Ready, lastTransitionTime unset
  unready?: boolean; // Ready=False
  phase?: string;
  created?: Date;
  deleting?: Date;
}

export function aPod(name: string, nodeName: string, ds: V1DaemonSet, o: PodOptions = {}): V1Pod {
  const labels: Record<string, string> = { ...(o.labels ?? L) };
  const hash = o.hash === undefined ? hashOf(ds) : o.hash;
  if (hash !== null) labels[CONTROLLER_REVISION_HASH_LABEL] = hash;
  const owner = o.owner === undefined ? ds.metadata!.uid! : o.owner;
  const bound = o.bound ?? true;
  const conditions =
    o.ready instanceof Date
      ? [{ type: 'Ready', status: 'True', lastTransitionTime: o.ready }]
      : o.ready
        ? [{ type: 'Ready', status: 'True' }]
        : o.unready
          ? [{ type: 'Ready', status: 'False' }]
          : undefined;
  return {
    metadata: {
      name,
      namespace: 'default',
      uid: `uid-${name}`,
      labels,
      ...(owner !== null ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'foo', uid: owner, controller: true }] } : {}),
      ...(o.created ? { creationTimestamp: o.created } : {}),
      ...(o.deleting ? { deletionTimestamp: o.deleting } : {}),
    },
    spec: {
      containers: [{ name: 'foo', image: 'foo/bar' }],
      ...(bound
        ? { nodeName }
        : {
            affinity: {
              nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                  nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }],
                },
              },
            },
          }),
    },
    status: { ...(o.phase ? { phase: o.phase } : {}), ...(conditions ? { conditions } : {}) },
  };
}

/** `count` pods named `<node>-<i>` on a node. */
export const podsOn = (nodeName: string, count: number, ds: V1DaemonSet, o: PodOptions = {}): V1Pod[] =>
  Array.from({ length: count }, (_, i) => aPod(`${nodeName}-${o.labels === L2 ? 'l2-' : ''}${i}`, nodeName, ds, o));

export const taint = (key: string, effect: string, value?: string): V1Taint => ({ key, effect, ...(value !== undefined ? { value } : {}) });

export function run(ds: V1DaemonSet, nodeList: V1Node[], pods: V1Pod[] = [], extra: Partial<ReconcileInput> = {}): ReconcileResult {
  return reconcile({ daemonSet: ds, nodes: nodeList, pods, now: NOW, ...extra });
}

export const createdOn = (r: ReconcileResult): string[] => r.create.map((c) => c.nodeName).sort();
export const deleted = (r: ReconcileResult): string[] => r.delete.map((d) => d.podName).sort();

/** The scenario catalogue's status shorthand: `D5 C5 M0 R0 A0 U5 Up5`. */
export const counts = (r: ReconcileResult): string => {
  const s = r.status;
  return `D${s.desiredNumberScheduled} C${s.currentNumberScheduled} M${s.numberMisscheduled} R${s.numberReady} A${s.numberAvailable} U${s.numberUnavailable} Up${s.updatedNumberScheduled}`;
};

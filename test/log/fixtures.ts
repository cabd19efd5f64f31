// Tiny builders for log and fold tests: observations and decisions as a forwarder and a reconcile
// would produce them (projections, ISO times, schema version).
import type { V1DaemonSet, V1Node, V1Pod } from '@kubernetes/client-node';
import * as E from '../../domain/events';

export const CLUSTER = 'c1';
export const T0 = Date.UTC(2026, 0, 1);
export const at = (s: number): Date => new Date(T0 + s * 1000);
const base = (s = 0) => ({ clusterId: CLUSTER, schemaVersion: E.EVENT_SCHEMA_VERSION, time: at(s).toISOString() });

export const aNode = (name: string, rv: string, labels: Record<string, string> = {}): V1Node => ({
  metadata: { name, uid: `uid-${name}`, resourceVersion: rv, labels },
  spec: {},
});
export const nodeObserved = (name: string, rv: string, labels?: Record<string, string>): E.NodeObserved => ({
  ...base(),
  type: E.NODE_OBSERVED,
  node: aNode(name, rv, labels),
});
export const nodeDeleted = (name: string, rv: string): E.NodeDeleted => ({
  ...base(),
  type: E.NODE_DELETED,
  ref: { name, uid: `uid-${name}`, resourceVersion: rv },
});

export interface PodOptions {
  namespace?: string;
  node?: string;
  owner?: string; // controller uid
  labels?: Record<string, string>;
  phase?: string;
  readySince?: Date;
  deleting?: Date;
}
export const aPod = (name: string, rv: string, o: PodOptions = {}): V1Pod => ({
  metadata: {
    name,
    namespace: o.namespace ?? 'default',
    uid: `uid-${name}`,
    resourceVersion: rv,
    labels: o.labels ?? { app: 'agent' },
    ...(o.owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', uid: o.owner, controller: true }] } : {}),
    creationTimestamp: at(0),
    ...(o.deleting ? { deletionTimestamp: o.deleting } : {}),
  },
  spec: { containers: [], ...(o.node ? { nodeName: o.node } : {}) },
  status: {
    phase: o.phase ?? 'Running',
    ...(o.readySince ? { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: o.readySince }] } : {}),
  },
});
export const podObserved = (name: string, rv: string, o?: PodOptions): E.PodObserved => ({ ...base(), type: E.POD_OBSERVED, pod: aPod(name, rv, o) });
export const podDeleted = (name: string, rv: string, namespace = 'default'): E.PodDeleted => ({
  ...base(),
  type: E.POD_DELETED,
  ref: { namespace, name, uid: `uid-${name}`, resourceVersion: rv },
});

export const aDaemonSet = (name = 'agent', rv = '1', uid = 'ds-uid', namespace = 'default'): V1DaemonSet => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name, namespace, uid, resourceVersion: rv, generation: 1 },
  spec: {
    selector: { matchLabels: { app: 'agent' } },
    template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'agent', image: 'agent:1' }] } },
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
  },
});
export const daemonSetObserved = (ds: V1DaemonSet = aDaemonSet()): E.DaemonSetObserved => ({ ...base(), type: E.DAEMONSET_OBSERVED, daemonSet: ds });
export const daemonSetDeleted = (name: string, rv: string, uid = 'ds-uid', namespace = 'default'): E.DaemonSetDeleted => ({
  ...base(),
  type: E.DAEMONSET_DELETED,
  ref: { namespace, name, uid, resourceVersion: rv },
});

export const relist = (
  kind: E.RelistCompleted['kind'],
  rv: string,
  presentUids: string[],
  o: { namespace?: string; relistId?: string; part?: number; parts?: number } = {},
): E.RelistCompleted => ({
  ...base(),
  type: E.RELIST_COMPLETED,
  kind,
  ...(o.namespace ? { namespace: o.namespace } : {}),
  resourceVersion: rv,
  relistId: o.relistId ?? `relist-${kind}-${rv}`,
  part: o.part ?? 1,
  parts: o.parts ?? 1,
  presentUids,
});

export const DS_STREAM = `${CLUSTER}/daemonsets/default/agent`;
export const decisionId = (commit: number): string => `${DS_STREAM}@${commit}`;

export const createRequested = (commit: number, podName: string, nodeName: string, s = 0, hash = 'h1'): E.PodCreateRequested => ({
  ...base(s),
  type: E.POD_CREATE_REQUESTED,
  decisionId: decisionId(commit),
  namespace: 'default',
  podName,
  nodeName,
  hash,
});
export const deleteRequested = (commit: number, podName: string, s = 0): E.PodDeleteRequested => ({
  ...base(s),
  type: E.POD_DELETE_REQUESTED,
  decisionId: decisionId(commit),
  namespace: 'default',
  podName,
  podUid: `uid-${podName}`,
  reason: 'test',
});
export const actionCompleted = (commit: number, action: 'create' | 'delete', podName: string, outcome: E.PodActionOutcome): E.PodActionCompleted => ({
  ...base(),
  type: E.POD_ACTION_COMPLETED,
  decisionId: decisionId(commit),
  action,
  namespace: 'default',
  podName,
  outcome,
});
export const decided = (commit: number, s = 0, inputs: E.InputMarks = { streams: {} }, uid = 'ds-uid'): E.ReconcileDecided => ({
  ...base(s),
  type: E.RECONCILE_DECIDED,
  decisionId: decisionId(commit),
  daemonSetUid: uid,
  inputs,
  creates: 0,
  deletes: 0,
  status: { currentNumberScheduled: 0, desiredNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 },
  waits: [],
  failedPodBackoff: {},
  currentHash: 'h1',
});

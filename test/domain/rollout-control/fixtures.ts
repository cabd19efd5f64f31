// Builders for rollout-control scenarios: a v1 DaemonSet rolled to v2 with rollout fields, zoned
// nodes, v1 pods Ready long ago, and the revision history that makes v1 buildable.
import type { V1DaemonSet, V1Node, V1Pod } from '@kubernetes/client-node';
import type { RolloutWave } from '../../../domain/rollout-control/spec';
import type { Revision } from '../../../domain/types';
import { aDaemonSet, aNode, aPod, at, hashOf, RU, withImage } from '../builders';

export const v1 = aDaemonSet({ strategy: RU(1) });
export const H1 = hashOf(v1);
export const revisions = (ds: V1DaemonSet): Revision[] => [
  { revision: 1, hash: H1, template: v1.spec!.template },
  { revision: 2, hash: hashOf(ds), template: ds.spec!.template },
];

export interface Rollout {
  paused?: boolean;
  progressDeadlineSeconds?: number;
  maxUnavailable?: number | string;
  maxSurge?: number | string;
  partition?: number | string;
  selector?: { matchLabels: Record<string, string> };
  waves?: RolloutWave[];
  maxFailedNodes?: number | string;
  minReadySeconds?: number;
  annotations?: Record<string, string>;
}

/** v2 of the DaemonSet with the given rollout fields. */
export function v2(r: Rollout = {}): V1DaemonSet {
  const ds = withImage(aDaemonSet({ minReadySeconds: r.minReadySeconds ?? 0, generation: 2 }), 'foo/bar:2');
  const rollingUpdate: Record<string, unknown> = { maxUnavailable: r.maxUnavailable ?? 1 };
  for (const k of ['maxSurge', 'partition', 'selector', 'waves', 'maxFailedNodes'] as const) if (r[k] !== undefined) rollingUpdate[k] = r[k];
  ds.spec!.updateStrategy = { type: 'RollingUpdate', rollingUpdate };
  const spec = ds.spec as unknown as Record<string, unknown>;
  if (r.paused !== undefined) spec.paused = r.paused;
  if (r.progressDeadlineSeconds !== undefined) spec.progressDeadlineSeconds = r.progressDeadlineSeconds;
  if (r.annotations) ds.metadata!.annotations = r.annotations;
  return ds;
}

/** `perZone` nodes in each zone, named `<zone>-<i>`. */
export const zonedNodes = (zones: string[], perZone: number): V1Node[] =>
  zones.flatMap((zone) => Array.from({ length: perZone }, (_, i) => aNode(`${zone}-${i}`, { labels: { 'topology.kubernetes.io/zone': zone } })));

/** One v1 pod per node, Ready since t=0. */
export const v1Pods = (nodeList: V1Node[]): V1Pod[] =>
  nodeList.map((n) => aPod(`old-${n.metadata!.name}`, n.metadata!.name!, v1, { ready: at(0), created: at(0) }));

/** One v2 pod per node, Ready since `readySince`. */
export const v2Pods = (ds: V1DaemonSet, nodeList: V1Node[], readySince = at(0)): V1Pod[] =>
  nodeList.map((n) => aPod(`new-${n.metadata!.name}`, n.metadata!.name!, ds, { ready: readySince, created: readySince }));

export const ZONE = 'topology.kubernetes.io/zone';

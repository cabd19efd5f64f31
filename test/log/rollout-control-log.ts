// A DaemonSet's log under rollout control whose statuses the domain itself decided: zone waves with
// a 60 s soak, a pause and resume, then a failure-budget stop that holds. Times are seconds after
// the domain builders' NOW (`t(s)`).
import type { V1DaemonSet, V1DaemonSetStatus } from '@kubernetes/client-node';
import * as E from '../../domain/events';
import type { Commit } from '../../functions/adapters/event-store/port';
import type { AuditLog } from '../../functions/log/audit-log';
import { aPod, NOW, run } from '../domain/builders';
import { revisions, v1Pods, v2, v2Pods, zonedNodes, ZONE } from '../domain/rollout-control/fixtures';
import { CLUSTER, decided, DS_STREAM, nodeObserved } from './fixtures';

const KEY = { clusterId: CLUSTER, namespace: 'default', name: 'foo' };
const waves = [{ name: 'zones', topologyKey: ZONE, maxUnavailable: 2, minSuccessSeconds: 60 }];
const nodeList = zonedNodes(['zone-a', 'zone-b'], 2);
export const t = (s: number) => new Date(NOW.getTime() + s * 1000);

/** Each decision's status as the domain decides it, from the previous one. */
export function statuses(): { s: number; status: V1DaemonSetStatus }[] {
  const decide = (pods: ReturnType<typeof v1Pods>, previous: V1DaemonSetStatus | undefined, s: number, r = {}) => {
    const ds = v2({ waves, ...r });
    return run({ ...ds, ...(previous ? { status: previous } : {}) }, nodeList, pods, { revisions: revisions(ds), now: t(s) }).status;
  };
  const zoneA = nodeList.slice(0, 2),
    rest = nodeList.slice(2);
  const first = decide(v1Pods(nodeList), undefined, 0); // RolloutStarted, WaveStarted zones/zone-a
  const soakPods = [...v2Pods(v2({ waves }), zoneA, t(5)), ...v1Pods(rest)];
  const soaking = decide(soakPods, first, 20); // zone-a finished: it soaks 60 s from t(5)
  const next = decide(soakPods, soaking, 70); // WaveStarted zones/zone-b
  const paused = decide(soakPods, next, 80, { paused: true });
  const resumed = decide(soakPods, paused, 100);
  const failing = [...v2Pods(v2({ waves }), zoneA, t(5)), aPod('new-zone-b-0', 'zone-b-0', v2({ waves }), { phase: 'Failed' }), ...v1Pods(nodeList.slice(3))];
  const stopped = decide(failing, resumed, 110, { maxFailedNodes: 0 });
  return [
    { s: 0, status: first },
    { s: 20, status: soaking },
    { s: 70, status: next },
    { s: 80, status: paused },
    { s: 100, status: resumed },
    { s: 110, status: stopped },
  ];
}

export function controlledLog(): AuditLog {
  const commit = (streamId: string, n: number, s: number, events: unknown[]): Commit => ({
    streamId,
    commit: n,
    time: t(s).toISOString(),
    events: events as E.LogEvent[],
  });
  const stamp = <T>(e: T, s: number): T => ({ ...e, time: t(s).toISOString() });
  const ds: V1DaemonSet = { ...v2({ waves }), metadata: { ...v2({ waves }).metadata, namespace: 'default', uid: 'ds-uid' } };
  const [, v2Revision] = revisions(ds);
  const revision: E.RevisionRecorded = {
    type: E.REVISION_RECORDED,
    clusterId: CLUSTER,
    schemaVersion: E.EVENT_SCHEMA_VERSION,
    time: t(0).toISOString(),
    decisionId: `${DS_STREAM}@2`,
    revision: 2,
    hash: v2Revision!.hash,
    template: v2Revision!.template,
  };
  return {
    key: KEY,
    nodes: nodeList.map((n, i) => commit(`${CLUSTER}/nodes`, i + 1, 0, [stamp(nodeObserved(n.metadata!.name!, String(i + 1), n.metadata!.labels), 0)])),
    pods: [],
    daemonSet: [
      commit(DS_STREAM, 1, 0, [{ ...stamp({ clusterId: CLUSTER, schemaVersion: E.EVENT_SCHEMA_VERSION }, 0), type: E.DAEMONSET_OBSERVED, daemonSet: ds }]),
      ...statuses().map(({ s, status }, i) => commit(DS_STREAM, i + 2, s, [{ ...stamp(decided(i + 2), s), status }, ...(i === 0 ? [revision] : [])])),
      // The stop holds: a later decision decides the same.
      commit(DS_STREAM, 8, 130, [{ ...stamp(decided(8), 130), status: statuses().at(-1)!.status }]),
    ],
  };
}

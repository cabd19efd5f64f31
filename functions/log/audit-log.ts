// What an audit of one DaemonSet reads: its own stream (observations of it, every decision and
// outcome) and the two input streams its decisions saw (the cluster's nodes, its namespace's pods),
// merged into one timeline in commit-time order. The views — lifecycles, receipts, cost, the
// picture, point-in-time — are pure functions of this; only loadAuditLog touches the store.
import { daemonSetStreamId, nodesStreamId, podsStreamId, type DaemonSetKey } from '../../domain/streams';
import type { Commit, EventStore } from '../adapters/event-store/port';

export interface AuditLog {
  key: DaemonSetKey;
  daemonSet: Commit[];
  nodes: Commit[];
  pods: Commit[];
}

export async function loadAuditLog(store: Pick<EventStore, 'read'>, key: DaemonSetKey): Promise<AuditLog> {
  const all = async (id: string) => {
    const commits: Commit[] = [];
    for await (const c of store.read(id)) commits.push(c);
    return commits;
  };
  const [daemonSet, nodes, pods] = await Promise.all([
    all(daemonSetStreamId(key)),
    all(nodesStreamId(key.clusterId)),
    all(podsStreamId(key.clusterId, key.namespace)),
  ]);
  return { key, daemonSet, nodes, pods };
}

/**
 * Every commit of the three streams in commit-time order (a three-way merge of streams already in
 * commit order: linear). Equal times keep nodes before pods before the DaemonSet, the order in
 * which rebuild() merges them, so a decision follows the observations it could have seen.
 */
export function* timeline(log: AuditLog): Generator<Commit> {
  const streams = [log.nodes, log.pods, log.daemonSet];
  const at = [0, 0, 0];
  for (;;) {
    let pick = -1;
    for (let s = 0; s < 3; s++) {
      const c = streams[s]![at[s]!];
      if (c && (pick < 0 || c.time < streams[pick]![at[pick]!]!.time)) pick = s;
    }
    if (pick < 0) return;
    yield streams[pick]![at[pick]!++]!;
  }
}

export const ms = (iso: string): number => Date.parse(iso);

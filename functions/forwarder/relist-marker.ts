// The marker sent after every (re)list: the uids present at the list's resourceVersion, so the
// fold can tombstone objects whose deletion the forwarder never saw. A large list is split into
// parts sharing a relistId, each well inside EventBridge's 256 KB entry limit.
import { randomUUID } from 'node:crypto';
import { EVENT_SCHEMA_VERSION, RELIST_COMPLETED, type RelistCompleted } from '../../domain/events';
import { sizeBatches } from '../size-batches';

/** Bytes of uids per part: leaves room for the envelope under the 256 KB PutEvents entry limit. */
const RELIST_PART_BYTES = 200 * 1024;

export function relistMarkers(
  base: { clusterId: string; kind: RelistCompleted['kind']; namespace?: string; resourceVersion: string; time: string },
  presentUids: string[],
  partBytes = RELIST_PART_BYTES,
): RelistCompleted[] {
  const chunks = sizeBatches(presentUids, (uid) => uid.length + 3, { maxBytes: partBytes }); // + quotes and comma
  if (chunks.length === 0) chunks.push([]); // an empty list still gets its marker
  const relistId = randomUUID();
  return chunks.map((uids, i) => ({
    type: RELIST_COMPLETED,
    clusterId: base.clusterId,
    schemaVersion: EVENT_SCHEMA_VERSION,
    time: base.time,
    kind: base.kind,
    ...(base.namespace !== undefined ? { namespace: base.namespace } : {}),
    resourceVersion: base.resourceVersion,
    relistId,
    part: i + 1,
    parts: chunks.length,
    presentUids: uids,
  }));
}

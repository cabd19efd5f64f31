// Each event is bound to its cluster's identity: EventBridge stamps every event with the Source
// its sender put, and the forwarder role may put only its own cluster's source (the bus policy and
// the role's events:source condition, infra/constructs/forwarder-role.ts). So an event is accepted
// only when its source is the one the registry binds to the clusterId the event claims. One event
// at a time, so a batched ingest calls it per record.
import type { ClusterRecord } from '../registry/cluster-record';
import { expectedSource } from '../registry/cluster-record';

/** Counted for every event whose source does not match its cluster (infra alarms on it). */
export const SOURCE_MISMATCH_METRIC = 'IngestRejectedSource';

/** Why an event from `source` cannot speak for `cluster`, or undefined when it can. */
export function sourceMismatch(source: string, cluster: ClusterRecord): string | undefined {
  const expected = expectedSource(cluster);
  return source === expected
    ? undefined
    : `source ${JSON.stringify(source)} may not speak for cluster ${cluster.clusterId} (its forwarder's source is ${JSON.stringify(expected)})`;
}

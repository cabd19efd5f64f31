// A commit as one DynamoDB item, built once for every backend, so the in-memory store refuses
// exactly the commits DynamoDB would.
import type { LogEvent } from '../../../domain/events';
import { encodeEvents } from './codec';
import { itemSize, MAX_ITEM_BYTES } from './item-size';
import {
  EVENT_LOG_CLUSTER_ATTRIBUTE,
  EVENT_LOG_EVENTS_ATTRIBUTE,
  EVENT_LOG_PARTITION_KEY,
  EVENT_LOG_SORT_KEY,
  EVENT_LOG_TIME_ATTRIBUTE,
} from './keys';
import { CommitTooLarge } from './port';

export type CommitItem = Record<string, string | number | Uint8Array>;

export function commitItem(streamId: string, commit: number, time: string, events: readonly LogEvent[]): CommitItem {
  if (!Number.isInteger(commit) || commit < 1) throw new RangeError(`stream ${streamId}: commit must be a positive integer, got ${commit}`);
  if (events.length === 0) throw new RangeError(`stream ${streamId}: a commit holds at least one event`);
  const item: CommitItem = {
    [EVENT_LOG_PARTITION_KEY]: streamId,
    [EVENT_LOG_SORT_KEY]: commit,
    [EVENT_LOG_TIME_ATTRIBUTE]: time,
    [EVENT_LOG_EVENTS_ATTRIBUTE]: encodeEvents(events),
  };
  // Only the first commit names the cluster: the streamsByCluster index holds one row per stream.
  if (commit === 1) item[EVENT_LOG_CLUSTER_ATTRIBUTE] = events[0]!.clusterId;
  const bytes = itemSize(item);
  if (bytes > MAX_ITEM_BYTES) throw new CommitTooLarge(streamId, bytes, MAX_ITEM_BYTES);
  return item;
}

// A commit as one DynamoDB item, built once for every backend, so the in-memory store refuses
// exactly the commits DynamoDB would, and both chain them the same way (hash-chain.ts).
import type { LogEvent } from '../../../domain/events';
import { encodeEvents } from './codec';
import { commitHash, type StoredCommit } from './hash-chain';
import { itemSize, MAX_ITEM_BYTES } from './item-size';
import {
  EVENT_LOG_CLUSTER_ATTRIBUTE,
  EVENT_LOG_EVENTS_ATTRIBUTE,
  EVENT_LOG_HASH_ATTRIBUTE,
  EVENT_LOG_PARTITION_KEY,
  EVENT_LOG_PREVIOUS_HASH_ATTRIBUTE,
  EVENT_LOG_SORT_KEY,
  EVENT_LOG_TIME_ATTRIBUTE,
} from './keys';
import { CommitTooLarge } from './port';

export type CommitItem = Record<string, string | number | Uint8Array>;

/**
 * The item of commit `commit`, chained to `previous` (the hash of commit `commit − 1`). Without
 * `previous` the item is unchained: only the log benchmark's same-run baseline writes those.
 */
export function commitItem(streamId: string, commit: number, time: string, events: readonly LogEvent[], previous?: Uint8Array): CommitItem {
  if (events.length === 0) throw new RangeError(`stream ${streamId}: a commit holds at least one event`);
  return chainedItem(streamId, commit, time, encodeEvents(events), events[0]!.clusterId, previous);
}

/**
 * Any writer's commit item (the event store's, the registry's, the fleet store's): `payload` is
 * its events as that writer encodes them, and `owner` — the cluster, or the reserved owner of a
 * key space — is stored on the first commit only, so the streamsByCluster index holds one row per stream.
 */
export function chainedItem(streamId: string, commit: number, time: string, payload: Uint8Array, owner: string, previous?: Uint8Array): CommitItem {
  if (!Number.isInteger(commit) || commit < 1) throw new RangeError(`stream ${streamId}: commit must be a positive integer, got ${commit}`);
  const item: CommitItem = {
    [EVENT_LOG_PARTITION_KEY]: streamId,
    [EVENT_LOG_SORT_KEY]: commit,
    [EVENT_LOG_TIME_ATTRIBUTE]: time,
    [EVENT_LOG_EVENTS_ATTRIBUTE]: payload,
  };
  if (commit === 1) item[EVENT_LOG_CLUSTER_ATTRIBUTE] = owner;
  if (previous) {
    item[EVENT_LOG_PREVIOUS_HASH_ATTRIBUTE] = previous;
    item[EVENT_LOG_HASH_ATTRIBUTE] = commitHash({ streamId, commit, time, ...(commit === 1 ? { clusterId: owner } : {}), events: payload, previous });
  }
  const bytes = itemSize(item);
  if (bytes > MAX_ITEM_BYTES) throw new CommitTooLarge(streamId, bytes, MAX_ITEM_BYTES);
  return item;
}

/** The chained fields of a stored item, whatever backend held it. */
export function storedCommit(item: CommitItem): StoredCommit {
  const bytes = (name: string) => (item[name] instanceof Uint8Array ? (item[name] as Uint8Array) : undefined);
  const cluster = item[EVENT_LOG_CLUSTER_ATTRIBUTE];
  return {
    streamId: String(item[EVENT_LOG_PARTITION_KEY]),
    commit: Number(item[EVENT_LOG_SORT_KEY]),
    time: String(item[EVENT_LOG_TIME_ATTRIBUTE]),
    ...(typeof cluster === 'string' ? { clusterId: cluster } : {}),
    events: bytes(EVENT_LOG_EVENTS_ATTRIBUTE) ?? new Uint8Array(),
    ...(bytes(EVENT_LOG_PREVIOUS_HASH_ATTRIBUTE) ? { previous: bytes(EVENT_LOG_PREVIOUS_HASH_ATTRIBUTE) } : {}),
    ...(bytes(EVENT_LOG_HASH_ATTRIBUTE) ? { hash: bytes(EVENT_LOG_HASH_ATTRIBUTE) } : {}),
  };
}

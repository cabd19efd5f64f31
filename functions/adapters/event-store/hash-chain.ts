// The hash chain over each stream's commits: tamper evidence for an append-only log that its own
// writers could otherwise rewrite unnoticed. Every commit item carries `previous`, the hash of the
// commit before it (32 zero bytes for commit 1), and `hash`, its own hash:
//
//   hash = SHA-256( "daemonloop/commit/v1\n"
//                   ‖ u32be(byte length of streamId)  ‖ streamId (UTF-8)
//                   ‖ u64be(commit)
//                   ‖ u32be(byte length of time)      ‖ time (UTF-8, as stored)
//                   ‖ u32be(byte length of clusterId) ‖ clusterId (UTF-8; empty when absent)
//                   ‖ previous (32 bytes)
//                   ‖ events (the stored attribute's bytes, exactly: deflated JSON) )
//
// That is every attribute of the item but `hash` itself, over the bytes as stored, so a verifier
// needs no codec and no schema. The stored `hash` is what a checkpoint signs and what the next
// append links to, read without the payload; a reader never trusts it without recomputing it.
import { hash as oneShotHash } from 'node:crypto';
import { ChainBroken } from './port';

export const HASH_BYTES = 32;
export const GENESIS: Uint8Array = new Uint8Array(HASH_BYTES); // the `previous` of every commit 1
const DOMAIN = Buffer.from('daemonloop/commit/v1\n', 'utf8');

/** A commit item's chained fields, as stored. */
export interface StoredCommit {
  streamId: string;
  commit: number;
  time: string;
  clusterId?: string;
  events: Uint8Array;
  previous?: Uint8Array; // absent only on an unchained or tampered item
  hash?: Uint8Array;
}

/** A verified position in a chain: commit `commit` hashes to `hash`. */
export interface ChainLink {
  commit: number;
  hash: Uint8Array;
}

export const GENESIS_LINK: ChainLink = { commit: 0, hash: GENESIS };

/**
 * One buffer, one call into OpenSSL (`crypto.hash`): a commit's hash sits on every append and
 * every rebuild, where a chain of `update` calls and temporary buffers cost more than SHA-256 itself.
 */
export function commitHash(c: Omit<StoredCommit, 'hash'> & { previous: Uint8Array }): Uint8Array {
  const cluster = c.clusterId ?? '';
  const stream = Buffer.byteLength(c.streamId, 'utf8');
  const time = Buffer.byteLength(c.time, 'utf8');
  const owner = Buffer.byteLength(cluster, 'utf8');
  const bytes = Buffer.allocUnsafe(DOMAIN.length + 4 + stream + 8 + 4 + time + 4 + owner + c.previous.byteLength + c.events.byteLength);
  let at = DOMAIN.copy(bytes, 0);
  at = bytes.writeUInt32BE(stream, at);
  at += bytes.write(c.streamId, at, 'utf8');
  at = bytes.writeBigUInt64BE(BigInt(c.commit), at);
  at = bytes.writeUInt32BE(time, at);
  at += bytes.write(c.time, at, 'utf8');
  at = bytes.writeUInt32BE(owner, at);
  at += bytes.write(cluster, at, 'utf8');
  bytes.set(c.previous, at);
  bytes.set(c.events, at + c.previous.byteLength);
  return oneShotHash('sha256', bytes, 'buffer');
}

/** The item's own hash, recomputed and compared with the stored one; throws ChainBroken naming the commit. */
export function ownHash(c: StoredCommit): Uint8Array {
  if (!c.previous || c.previous.byteLength !== HASH_BYTES || !c.hash) throw new ChainBroken(c.streamId, c.commit, 'it carries no chain hash');
  const hash = commitHash({ ...c, previous: c.previous });
  if (!sameBytes(hash, c.hash)) throw new ChainBroken(c.streamId, c.commit, 'its contents do not match its hash');
  return hash;
}

/**
 * Checks that `c` directly follows `before` in its stream: contiguous, linked by `previous`, and
 * unaltered. Returns the link to check the next commit against.
 */
export function follow(before: ChainLink, c: StoredCommit): ChainLink {
  if (c.commit !== before.commit + 1) {
    throw new ChainBroken(c.streamId, before.commit + 1, `it is missing (commit ${c.commit} follows commit ${before.commit})`);
  }
  const hash = ownHash(c);
  if (!sameBytes(c.previous!, before.hash)) {
    // c is intact (its hash covers its `previous`), so the commit before it is not the one c was chained to.
    throw new ChainBroken(c.streamId, before.commit, `commit ${c.commit} was chained to a different commit ${before.commit}`);
  }
  return { commit: c.commit, hash };
}

export const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.byteLength === b.byteLength && Buffer.compare(a, b) === 0;
export const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/**
 * Verifies `items` (ascending, as a store reads them) and yields those numbered `from` and up.
 * The chain is checked from `anchor`, the verified link of commit `from − 1`; without one, the
 * items must start at commit `from − 1`, whose own hash is checked and then anchors the rest.
 * Every verified link is passed to `saw`, so a store can anchor its next read and append.
 */
export async function* verifiedFrom(
  streamId: string,
  from: number,
  anchor: ChainLink | undefined,
  items: AsyncIterable<StoredCommit>,
  saw: (link: ChainLink) => void,
): AsyncIterable<StoredCommit> {
  let before = from === 1 ? GENESIS_LINK : anchor;
  for await (const item of items) {
    if (!before) {
      if (item.commit !== from - 1) throw new ChainBroken(streamId, from - 1, `it is missing (commit ${item.commit} comes first)`);
      before = { commit: item.commit, hash: ownHash(item) };
    } else before = follow(before, item);
    saw(before);
    if (item.commit >= from) yield item;
  }
}

// The event store port (castore's narrow adapter interface): streams of numbered commits, each
// commit one atomic group of events. `expected` always comes from a read or an earlier append; a
// lost race is a StreamVersionConflict, whatever the backend calls it.
import type { LogEvent } from '../../../domain/events';

export interface Commit {
  streamId: string;
  commit: number; // 1, 2, 3 … contiguous per stream
  time: string; // ISO 8601 time of the append
  events: LogEvent[];
}

/** A stream's folded state as of `commit`, opaque to the store (domain/cluster-state.ts toSnapshot). */
export interface Snapshot {
  commit: number;
  state: string;
}

export interface EventStore {
  /** Commits numbered `fromCommit` and up, ascending, read page by page (strongly consistent). */
  read(streamId: string, fromCommit?: number): AsyncIterable<Commit>;
  /** The stream's last commit number; 0 for a stream never written. */
  latestCommit(streamId: string): Promise<number>;
  /**
   * Writes `events` as commit `expected + 1`, atomically. Throws StreamVersionConflict when that
   * commit exists (another writer won) or when `expected` does not (it would leave a gap), and
   * CommitTooLarge when the commit cannot be one item; never writes part of a commit.
   */
  append(streamId: string, expected: number, events: LogEvent[]): Promise<Commit>;
  /** Every stream of the cluster whose id starts with `prefix` (eventually consistent: an index). */
  listStreams(clusterId: string, prefix?: string): Promise<string[]>;
  /** Stores a snapshot of `streamId`; rewriting the same commit's snapshot is harmless. */
  saveSnapshot(streamId: string, snapshot: Snapshot): Promise<void>;
  /** The newest complete snapshot, or undefined. */
  loadSnapshot(streamId: string): Promise<Snapshot | undefined>;
}

export class StreamVersionConflict extends Error {
  readonly code = 'StreamVersionConflict';
  constructor(
    readonly streamId: string,
    readonly expected: number,
    detail = `commit ${expected + 1} already exists`,
  ) {
    super(`stream ${streamId}: expected commit ${expected}, but ${detail}`);
    this.name = 'StreamVersionConflict';
  }
}
export const isStreamVersionConflict = (e: unknown): e is StreamVersionConflict =>
  e instanceof Error && (e as { code?: unknown }).code === 'StreamVersionConflict';

/** DynamoDB caps an item at 400 KB; a commit is one item, and is never split (that would break its atomicity). */
export class CommitTooLarge extends Error {
  readonly code = 'CommitTooLarge';
  constructor(
    readonly streamId: string,
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(`stream ${streamId}: a commit of ${bytes} bytes is over DynamoDB's ${limit}-byte item limit`);
    this.name = 'CommitTooLarge';
  }
}
export const isCommitTooLarge = (e: unknown): e is CommitTooLarge => e instanceof Error && (e as { code?: unknown }).code === 'CommitTooLarge';

/**
 * A commit that does not match the hash chain (hash-chain.ts): altered, forged, missing, or
 * unchained. Never retried: the log is not what was written, and a decision must not rest on it.
 */
export class ChainBroken extends Error {
  readonly code = 'ChainBroken';
  constructor(
    readonly streamId: string,
    readonly commit: number,
    readonly reason: string,
  ) {
    super(`stream ${streamId}: commit ${commit} does not match the hash chain: ${reason}`);
    this.name = 'ChainBroken';
  }
}
export const isChainBroken = (e: unknown): e is ChainBroken => e instanceof Error && (e as { code?: unknown }).code === 'ChainBroken';

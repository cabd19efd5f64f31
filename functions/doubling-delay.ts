// The one doubling backoff the retry loops share (the forwarder's outbox and informers, the
// EventBridge sink, the local bus, the log's conflict retries): `first` before the first retry,
// twice that before the next, never more than `max`.
export function doublingDelay(first: number, max: number, retry: number): number {
  if (!Number.isInteger(retry) || retry < 1) throw new Error(`doublingDelay: retry must be 1 or more, got ${retry}`);
  return Math.min(max, first * 2 ** (retry - 1));
}

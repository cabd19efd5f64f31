// The two queues of the loop, as ports: SQS in AWS, in-process queues locally.
import type { DaemonSetKey } from '../../domain/streams';
import type { RequestCause } from '../adapters/sqs/messages';

/** "Reconcile this DaemonSet": FIFO, one group per DaemonSet stream, deduplicated by `dedupId`. */
export interface ReconcileQueue {
  /** `dedupId` names the log position that made the request (a high-water mark or an event id). */
  enqueue(key: DaemonSetKey, dedupId: string, cause?: RequestCause): Promise<void>;
}

/** "Wake this DaemonSet at `dueAt`": a delay queue; duplicates and early fires are harmless (reconcile is level-triggered). */
export interface TimerQueue {
  schedule(key: DaemonSetKey, dueAt: Date, reason: string): Promise<void>;
}

/**
 * At most one waiting reconcile request per DaemonSet, as upstream's workqueue keeps a key once:
 * events that arrive while a request waits are seen by its reconcile, which starts (and clears
 * the mark) only after they were appended. A mark older than the stale age is presumed orphaned
 * (its sender died before enqueueing) and is claimed again.
 */
export interface PendingReconciles {
  /**
   * A claim id when the caller must enqueue a request (none is waiting), else undefined. The id
   * goes into the request's deduplication id: a request must never be deduplicated away while
   * its claim stands, or the DaemonSet would wait for a request that never comes.
   */
  claim(key: DaemonSetKey): Promise<string | undefined>;
  /** Gives up a claim whose request could not be enqueued. */
  release(key: DaemonSetKey): Promise<void>;
  /** A reconcile of the DaemonSet starts: whatever is appended from now on needs a new request. */
  started(key: DaemonSetKey): Promise<void>;
  /** Whether a (fresh) request waits: another reconcile is sure to come. */
  waiting(key: DaemonSetKey): Promise<boolean>;
}

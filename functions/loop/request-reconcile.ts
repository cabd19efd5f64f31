// Asks for a reconcile of a DaemonSet unless one is already waiting (PendingReconciles).
import type { DaemonSetKey } from '../../domain/streams';
import type { RequestCause } from '../adapters/sqs/messages';
import type { PendingReconciles, ReconcileQueue } from './queues';

export async function requestReconcile(
  key: DaemonSetKey,
  position: string,
  deps: { pending: PendingReconciles; reconciles: ReconcileQueue },
  cause?: RequestCause,
): Promise<boolean> {
  const claim = await deps.pending.claim(key);
  if (!claim) return false; // the waiting request's reconcile will see this
  try {
    await deps.reconciles.enqueue(key, `${position}#${claim}`, cause);
    return true;
  } catch (error) {
    await deps.pending.release(key); // so the retry of this delivery claims again
    throw error;
  }
}

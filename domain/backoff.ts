// The failed-pod backoff (client-go flowcontrol.Backoff as kube-controller-manager configures it:
// 1 s doubling to 15 min, an entry forgotten 30 min after its last update). Upstream keeps it in
// memory; we pass the table in and return it, so a replayed decision sees the same backoff.
import type { V1DaemonSet } from '@kubernetes/client-node';
import { millisOf } from './timestamps';
import type { FailedPodBackoff } from './types';

export const BACKOFF_INITIAL_SECONDS = 1;
export const BACKOFF_MAX_SECONDS = 15 * 60;
const EXPIRY_MS = 2 * BACKOFF_MAX_SECONDS * 1000;

/** Per node and observed generation: a newly observed spec starts every node's backoff afresh. */
export const failedPodsBackoffKey = (ds: V1DaemonSet, nodeName: string): string =>
  `${ds.metadata?.uid ?? ''}/${ds.status?.observedGeneration ?? 0}/${nodeName}`;

type Entry = FailedPodBackoff[string];
const lastUpdate = (entry: Entry | undefined) => millisOf(entry?.since);
const live = (entry: Entry | undefined, now: number): entry is Entry => {
  const since = lastUpdate(entry);
  return since !== undefined && typeof entry?.delaySeconds === 'number' && now - since <= EXPIRY_MS;
};

/** The table without expired or malformed entries (upstream's periodic GC), as a fresh copy. */
export function liveBackoff(table: FailedPodBackoff | undefined, now: number): FailedPodBackoff {
  const out: FailedPodBackoff = {};
  for (const [key, entry] of Object.entries(table ?? {})) {
    if (live(entry, now)) out[key] = { delaySeconds: entry.delaySeconds, since: new Date(lastUpdate(entry)!) };
  }
  return out;
}

export function inBackoffSinceUpdate(table: FailedPodBackoff, key: string, now: number): boolean {
  const entry = table[key];
  return live(entry, now) && now - lastUpdate(entry)! < entry.delaySeconds * 1000;
}

/** Records a deletion at `now`: 1 s for a new (or expired) entry, else double up to 15 min. */
export function nextBackoff(table: FailedPodBackoff, key: string, now: number): void {
  const entry = table[key];
  const delaySeconds = live(entry, now) ? Math.min(entry.delaySeconds * 2, BACKOFF_MAX_SECONDS) : BACKOFF_INITIAL_SECONDS;
  table[key] = { delaySeconds, since: new Date(now) };
}

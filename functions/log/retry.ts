// Retrying an append that lost a race: re-read the stream's last commit, wait a jittered, growing
// moment (so racing writers spread out), try again — a bounded number of times.
import { isStreamVersionConflict } from '../adapters/event-store/port';
import { doublingDelay } from '../doubling-delay';

// Ten tries with full jitter under 5 × 2^n ms (at most 200 ms): 20 writers racing for one stream all land.
const ATTEMPTS = 10;
const BASE_MS = 5;
const MAX_MS = 200;

/** Runs `attempt(expected)`; on a conflict asks `latest()` for a fresh expected commit and tries again. */
export async function retryOnConflict<T>(expected: number, attempt: (expected: number) => Promise<T>, latest: () => Promise<number>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(expected);
    } catch (error) {
      if (!isStreamVersionConflict(error) || n >= ATTEMPTS) throw error;
      const ceiling = doublingDelay(BASE_MS, MAX_MS, n + 1);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling)); // full jitter
      expected = await latest();
    }
  }
}

// "Nothing is happening": no tracked work in flight and no change in the cluster for a few event
// loop turns. Watch events travel over loopback HTTP, outside any tracker, so a short real-time
// quiet window lets them arrive before a driver declares the system idle and moves a virtual clock.
import type { WorkTracker } from './work-tracker';

const QUIET_TURNS = 3;
const TURN_MS = 5; // on a busy two-core machine a loopback watch event can take a few milliseconds

export async function quiescent(work: WorkTracker, clusterVersion: () => string | undefined = () => undefined): Promise<void> {
  let version = clusterVersion();
  for (let quiet = 0; quiet < QUIET_TURNS; ) {
    await work.whenIdle();
    await new Promise((resolve) => setTimeout(resolve, TURN_MS));
    const now = clusterVersion();
    if (work.idle && now === version) quiet++;
    else quiet = 0;
    version = now;
  }
}

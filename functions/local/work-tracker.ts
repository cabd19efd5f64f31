// Counts the local runtime's asynchronous work (bus deliveries, queue batches), so a driver can
// tell "nothing is running" from "something is about to happen" before it advances a virtual clock.
import type { Clock } from '../clock';

export class WorkTracker {
  private running = 0;
  private sleeping = 0; // waits for clock time inside tracked work
  private waiters: (() => void)[] = [];

  /** Run `work` as tracked: the tracker is busy from now until it settles. */
  track<T>(work: () => Promise<T>): Promise<T> {
    this.running++;
    return Promise.resolve()
      .then(work)
      .finally(() => {
        this.running--;
        this.wakeIfIdle();
      });
  }

  /**
   * A clock whose sleeps do not count as work: tracked work waiting for time (a rate limiter's
   * token) must not keep the tracker busy, or a driver waiting for idle before it advances a
   * virtual clock would wait forever. Idle then means: everything in flight waits for time.
   */
  sleepsUntracked(clock: Clock): Clock {
    return {
      now: () => clock.now(),
      setTimer: (ms, fn) => clock.setTimer(ms, fn),
      sleep: async (ms) => {
        this.sleeping++;
        this.wakeIfIdle();
        try {
          await clock.sleep(ms);
        } finally {
          this.sleeping--;
        }
      },
    };
  }

  get idle(): boolean {
    return this.running <= this.sleeping;
  }

  /** Resolves the next time nothing is running (at once when idle). */
  whenIdle(): Promise<void> {
    return this.idle ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }

  private wakeIfIdle(): void {
    if (this.idle) for (const wake of this.waiters.splice(0)) wake();
  }
}

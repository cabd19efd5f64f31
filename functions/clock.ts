// Time for everything outside domain/ (the domain takes `now` as an argument). The system clock
// is real time; the virtual clock lets tests and benchmarks run an hour-long rollout in seconds:
// timers fire only when the driver advances it.
export interface Clock {
  now(): Date;
  /** Run `fn` after `ms` of this clock's time; returns a cancel function. */
  setTimer(ms: number, fn: () => void): () => void;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => new Date(),
  setTimer(ms, fn) {
    const handle = setTimeout(fn, Math.max(0, ms));
    return () => clearTimeout(handle);
  },
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

interface PendingTimer {
  due: number;
  seq: number;
  fn: () => void;
}

export class VirtualClock implements Clock {
  private current: number;
  private seq = 0;
  private timers: PendingTimer[] = [];

  constructor(start: Date = new Date('2026-01-01T00:00:00Z')) {
    this.current = start.getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  setTimer(ms: number, fn: () => void): () => void {
    const timer = { due: this.current + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimer(ms, resolve));
  }

  /** When the earliest pending timer is due, or undefined when none is pending. */
  nextDue(): Date | undefined {
    const next = this.earliest();
    return next ? new Date(next.due) : undefined;
  }

  /** Move time forward by `ms`, firing every timer that falls due, in due order. */
  advance(ms: number): void {
    this.advanceTo(this.current + ms);
  }

  /** Jump to the next timer and fire it (and any due at the same instant); false when none is pending. */
  advanceToNext(): boolean {
    const next = this.earliest();
    if (!next) return false;
    this.advanceTo(next.due);
    return true;
  }

  private advanceTo(target: number): void {
    for (let next = this.earliest(); next && next.due <= target; next = this.earliest()) {
      this.timers = this.timers.filter((t) => t !== next);
      this.current = Math.max(this.current, next.due);
      next.fn();
    }
    this.current = Math.max(this.current, target);
  }

  private earliest(): PendingTimer | undefined {
    let best: PendingTimer | undefined;
    for (const t of this.timers) if (!best || t.due < best.due || (t.due === best.due && t.seq < best.seq)) best = t;
    return best;
  }
}

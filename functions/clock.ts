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
  cancelled: boolean;
}

/** Earlier due first; at the same instant, the one set first. */
const before = (a: PendingTimer, b: PendingTimer) => a.due < b.due || (a.due === b.due && a.seq < b.seq);

/**
 * The pending timers as a binary min-heap: setting, cancelling and firing one costs O(log n), so
 * 10,000 pending timers fire in O(n log n) (a scan per firing was quadratic: bench/clock.bench.ts).
 * A cancelled timer stays in the heap, marked, until it reaches the top.
 */
class TimerHeap {
  private readonly heap: PendingTimer[] = [];

  push(timer: PendingTimer): void {
    const h = this.heap;
    h.push(timer);
    for (let i = h.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!before(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  /** The earliest timer not cancelled, left in place. */
  peek(): PendingTimer | undefined {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.pop();
    return this.heap[0];
  }

  pop(): PendingTimer | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      for (let i = 0; ; ) {
        const left = 2 * i + 1,
          right = left + 1;
        let least = i;
        if (left < h.length && before(h[left]!, h[least]!)) least = left;
        if (right < h.length && before(h[right]!, h[least]!)) least = right;
        if (least === i) break;
        [h[i], h[least]] = [h[least]!, h[i]!];
        i = least;
      }
    }
    return top;
  }
}

export class VirtualClock implements Clock {
  private current: number;
  private seq = 0;
  private readonly timers = new TimerHeap();

  constructor(start: Date = new Date('2026-01-01T00:00:00Z')) {
    this.current = start.getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  setTimer(ms: number, fn: () => void): () => void {
    const timer: PendingTimer = { due: this.current + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.timers.push(timer);
    return () => {
      timer.cancelled = true;
    };
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimer(ms, resolve));
  }

  /** When the earliest pending timer is due, or undefined when none is pending. */
  nextDue(): Date | undefined {
    const next = this.timers.peek();
    return next ? new Date(next.due) : undefined;
  }

  /** Move time forward by `ms`, firing every timer that falls due, in due order. */
  advance(ms: number): void {
    this.advanceTo(this.current + ms);
  }

  /** Jump to the next timer and fire it (and any due at the same instant); false when none is pending. */
  advanceToNext(): boolean {
    const next = this.timers.peek();
    if (!next) return false;
    this.advanceTo(next.due);
    return true;
  }

  private advanceTo(target: number): void {
    for (let next = this.timers.peek(); next && next.due <= target; next = this.timers.peek()) {
      this.timers.pop();
      next.cancelled = true; // fired: a later cancel is a no-op
      this.current = Math.max(this.current, next.due);
      next.fn();
    }
    this.current = Math.max(this.current, target);
  }
}

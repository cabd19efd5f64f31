// A client-side token bucket, as client-go's (flowcontrol.NewTokenBucketRateLimiter): `qps`
// tokens a second up to `burst`. A caller takes a token or waits for one on the given clock.
// Upstream's defaults for controllers: QPS 20, burst 30.
import type { Clock } from '../../clock';

export const DEFAULT_QPS = 20;
export const DEFAULT_BURST = 30;

/** Resolves when the caller may send one request. */
export interface RateLimiter {
  acquire(): Promise<void>;
}

export class TokenBucket implements RateLimiter {
  private tokens: number;
  private last: number;

  constructor(
    private readonly clock: Clock,
    private readonly qps = DEFAULT_QPS,
    private readonly burst = DEFAULT_BURST,
  ) {
    if (!(qps > 0) || !(burst >= 1)) throw new Error(`a token bucket needs qps > 0 and burst ≥ 1 (got qps ${qps}, burst ${burst})`);
    this.tokens = burst;
    this.last = clock.now().getTime();
  }

  /** Resolves when the caller may send one request. Waiting callers hold reservations (tokens go below 0), so they are served in order. */
  async acquire(): Promise<void> {
    const now = this.clock.now().getTime();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
    this.tokens -= 1;
    if (this.tokens < 0) await this.clock.sleep((-this.tokens / this.qps) * 1000);
  }
}

// The client-side token bucket lets a burst through at once, then paces requests at qps.
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../functions/clock';
import { TokenBucket } from '../../../functions/adapters/kubernetes/rate-limiter';

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

describe('TokenBucket', () => {
  it('admits `burst` requests at once and the rest at qps, in order', async () => {
    const clock = new VirtualClock();
    const bucket = new TokenBucket(clock, 10, 3);
    const admitted: number[] = [];
    for (let i = 0; i < 6; i++) void bucket.acquire().then(() => admitted.push(i));
    await settle();
    expect(admitted).toEqual([0, 1, 2]);
    clock.advance(100);
    await settle();
    expect(admitted).toEqual([0, 1, 2, 3]);
    clock.advance(200);
    await settle();
    expect(admitted).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('refills up to the burst while idle, never beyond', async () => {
    const clock = new VirtualClock();
    const bucket = new TokenBucket(clock, 20, 30);
    for (let i = 0; i < 30; i++) await bucket.acquire();
    clock.advance(60_000);
    const admitted: number[] = [];
    for (let i = 0; i < 31; i++) void bucket.acquire().then(() => admitted.push(i));
    await settle();
    expect(admitted).toHaveLength(30);
    clock.advance(50);
    await settle();
    expect(admitted).toHaveLength(31);
  });

  it('refuses a rate that could never admit anything', () => {
    expect(() => new TokenBucket(new VirtualClock(), 0, 1)).toThrow(/qps > 0/);
  });
});

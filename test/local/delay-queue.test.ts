// The in-process delay queue delivers each message once its delay has passed on the clock, and retries a failed delivery.
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../functions/clock';
import { LocalDelayQueue } from '../../functions/local/delay-queue';
import { WorkTracker } from '../../functions/local/work-tracker';

describe('LocalDelayQueue', () => {
  it('delivers after the delay, in due order, and retries a failed delivery after the visibility timeout', async () => {
    const clock = new VirtualClock();
    const work = new WorkTracker();
    const queue = new LocalDelayQueue(clock, work, 500);
    const seen: string[] = [];
    let failLate = true;
    queue.consume(async (body) => {
      if (body === 'late' && failLate) {
        failLate = false;
        throw new Error('transient');
      }
      seen.push(`${body}@${clock.now().getTime() - new Date('2026-01-01T00:00:00Z').getTime()}`);
    });
    queue.send('late', 2_000);
    queue.send('early', 1_000);
    clock.advance(999);
    await work.whenIdle();
    expect(seen).toEqual([]);
    while (clock.advanceToNext()) await work.whenIdle();
    expect(seen).toEqual(['early@1000', 'late@2500']);
    expect(queue.pending).toBe(0);
  });

  it('delivers a message once when an identical one is still waiting', async () => {
    const clock = new VirtualClock();
    const work = new WorkTracker();
    const queue = new LocalDelayQueue(clock, work);
    const seen: string[] = [];
    queue.consume(async (body) => void seen.push(body));
    queue.send('wake agent at 10', 1_000);
    queue.send('wake agent at 10', 1_000);
    queue.send('wake other at 10', 1_000);
    while (clock.advanceToNext()) await work.whenIdle();
    queue.send('wake agent at 10', 0); // delivered already: a new one is a new message
    while (clock.advanceToNext()) await work.whenIdle();
    expect(seen).toEqual(['wake agent at 10', 'wake other at 10', 'wake agent at 10']);
  });
});

// The virtual clock: timers fire in due order (ties in the order they were set), a cancelled one
// never fires, and a timer set while firing fires in the same advance when it falls due.
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../functions/clock';

describe('VirtualClock', () => {
  it('fires due timers in due order, ties in the order set, and skips cancelled ones', () => {
    const clock = new VirtualClock();
    const fired: string[] = [];
    clock.setTimer(30, () => fired.push('c'));
    clock.setTimer(10, () => fired.push('a'));
    const cancel = clock.setTimer(20, () => fired.push('cancelled'));
    clock.setTimer(10, () => fired.push('b'));
    clock.setTimer(50, () => fired.push('later'));
    cancel();
    clock.advance(30);
    expect(fired).toEqual(['a', 'b', 'c']);
    expect(clock.nextDue()?.getTime()).toBe(new Date('2026-01-01T00:00:00.050Z').getTime());
  });

  it('fires a timer set by a firing one within the same advance, at its own due time', () => {
    const clock = new VirtualClock();
    const at: number[] = [];
    clock.setTimer(10, () => clock.setTimer(5, () => at.push(clock.now().getTime())));
    clock.advance(100);
    expect(at).toEqual([new Date('2026-01-01T00:00:00.015Z').getTime()]);
    expect(clock.advanceToNext()).toBe(false);
  });

  it('fires 10,000 pending timers in due order', () => {
    const clock = new VirtualClock();
    const dues: number[] = [];
    for (let i = 0; i < 10_000; i++) clock.setTimer((i * 7919) % 60_000, () => dues.push(clock.now().getTime()));
    clock.advance(60_000);
    expect(dues).toHaveLength(10_000);
    expect(dues.every((d, i) => i === 0 || d >= dues[i - 1]!)).toBe(true);
  });
});

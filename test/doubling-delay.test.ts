import { describe, expect, it } from 'vitest';
import { doublingDelay } from '../functions/doubling-delay';

describe('doublingDelay', () => {
  it('starts at the first delay, doubles per retry, and stops at the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((retry) => doublingDelay(1_000, 30_000, retry))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
    expect(doublingDelay(5, 200, 100)).toBe(200); // no overflow past the cap
  });

  it('refuses a retry number below 1 or not a whole number', () => {
    expect(() => doublingDelay(1, 2, 0)).toThrow(/retry must be 1 or more, got 0/);
    expect(() => doublingDelay(1, 2, 1.5)).toThrow(/got 1.5/);
  });
});

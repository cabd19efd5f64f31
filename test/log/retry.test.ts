// A lost race is retried from a fresh read; anything else, or too many losses, is thrown.
import { describe, expect, it } from 'vitest';
import { StreamVersionConflict } from '../../functions/adapters/event-store/port';
import { retryOnConflict } from '../../functions/log/retry';

describe('retryOnConflict', () => {
  it('retries a conflict at the commit the stream has reached', async () => {
    const tried: number[] = [];
    const result = await retryOnConflict(
      0,
      async (expected) => {
        tried.push(expected);
        if (expected < 3) throw new StreamVersionConflict('s', expected);
        return expected + 1;
      },
      async () => tried.length + 1,
    );
    expect(result).toBe(4);
    expect(tried).toEqual([0, 2, 3]);
  });

  it('throws anything but a conflict at once', async () => {
    let calls = 0;
    const failing = retryOnConflict(
      0,
      async () => {
        calls++;
        throw new Error('throttled');
      },
      async () => 0,
    );
    await expect(failing).rejects.toThrow('throttled');
    expect(calls).toBe(1);
  });

  it('gives up after ten conflicts with the conflict itself', async () => {
    let calls = 0;
    const losing = retryOnConflict(
      0,
      async (e) => {
        calls++;
        throw new StreamVersionConflict('s', e);
      },
      async () => 0,
    );
    await expect(losing).rejects.toMatchObject({ code: 'StreamVersionConflict' });
    expect(calls).toBe(10);
  });
});

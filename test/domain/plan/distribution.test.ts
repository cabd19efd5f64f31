// Learning start-up and termination times from the log: none, few, outliers — and the draws a
// seeded run takes from them.
import { describe, expect, it } from 'vitest';
import { draw, learnDistribution, MIN_SAMPLES, quantile, seededRandom } from '../../../domain/plan/distribution';

describe('learnDistribution', () => {
  it('has nothing to say with no samples, or fewer than MIN_SAMPLES usable ones', () => {
    expect(learnDistribution([], 'x')).toBeUndefined();
    expect(learnDistribution([1000, 2000], 'x')).toBeUndefined();
    expect(learnDistribution([1000, Number.NaN, -5, 2000], 'x')).toBeUndefined(); // garbage is not a sample
    expect(MIN_SAMPLES).toBe(3);
  });

  it('keeps a few samples as they are (too few to call any an outlier)', () => {
    const d = learnDistribution([9000, 1000, 2000], 'agent')!;
    expect(d.samples).toEqual([1000, 2000, 9000]);
    expect(d.trimmed).toBe(0);
    expect(d.source).toBe('agent');
  });

  it('drops far-out outliers (beyond 3 × IQR) once there are enough samples: one stuck image pull is not the p90', () => {
    const steady = [4000, 4100, 4200, 4300, 4400, 4500, 4600, 4700, 4800, 4900];
    const d = learnDistribution([...steady, 600_000], 'agent')!;
    expect(d.trimmed).toBe(1);
    expect(Math.max(...d.samples)).toBe(4900);
    expect(quantile(d.samples, 0.9)).toBeLessThan(5000);
    // A wide but honest spread is kept whole.
    expect(learnDistribution([1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000], 'x')!.trimmed).toBe(0);
  });
});

describe('quantile and draw', () => {
  it('interpolates between neighbours and clamps q to [0, 1]', () => {
    expect(quantile([10, 20, 30, 40], 0)).toBe(10);
    expect(quantile([10, 20, 30, 40], 1)).toBe(40);
    expect(quantile([10, 20, 30, 40], 0.5)).toBe(25);
    expect(quantile([10, 20], 7)).toBe(20);
    expect(() => quantile([], 0.5)).toThrow(RangeError);
  });

  it('draws the same sequence from the same seed, and spans the distribution', () => {
    const d = learnDistribution([1000, 2000, 3000, 4000, 5000], 'x')!;
    const run = (seed: number) => {
      const r = seededRandom(seed);
      return Array.from({ length: 200 }, () => draw(d, r()));
    };
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
    const draws = run(7);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(1000);
    expect(Math.max(...draws)).toBeLessThanOrEqual(5000);
    expect(
      quantile(
        [...draws].sort((a, b) => a - b),
        0.5,
      ),
    ).toBeGreaterThan(2500);
    expect(
      quantile(
        [...draws].sort((a, b) => a - b),
        0.5,
      ),
    ).toBeLessThan(3500);
  });
});

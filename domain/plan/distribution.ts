// Empirical distributions of how long pods take to start and to go, learned from the log. Pure:
// sampling takes the uniform variate as an argument, so a seeded run is reproducible.

/** Below this many samples a scope is too thin to stand alone: the planner widens it. */
export const MIN_SAMPLES = 3;
/** From this many samples on, Tukey's far-out fences (3 × IQR) drop outliers: one stuck image pull must not be the p90. */
const TRIM_FROM = 8;

export interface Distribution {
  /** Sorted ascending, milliseconds. */
  samples: number[];
  /** Where it came from, for the reader: `agent on m5.large (12 pods)`, `default`. */
  source: string;
  /** Outliers dropped while learning. */
  trimmed: number;
}

/** The distribution of `values`, or undefined when there are fewer than MIN_SAMPLES usable ones. */
export function learnDistribution(values: readonly number[], source: string): Distribution | undefined {
  const sorted = values.filter((v) => Number.isFinite(v) && v >= 0).sort((a, b) => a - b);
  if (sorted.length < MIN_SAMPLES) return undefined;
  if (sorted.length < TRIM_FROM) return { samples: sorted, source, trimmed: 0 };
  const q1 = quantile(sorted, 0.25);
  const q3 = quantile(sorted, 0.75);
  const fence = 3 * (q3 - q1);
  const kept = sorted.filter((v) => v >= q1 - fence && v <= q3 + fence);
  return { samples: kept, source, trimmed: sorted.length - kept.length };
}

/** A distribution that always answers `ms`. */
export const constant = (ms: number, source: string): Distribution => ({ samples: [ms], source, trimmed: 0 });

/** The q-quantile (0…1) of sorted values, interpolated linearly between neighbours. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new RangeError('quantile of no values');
  const at = Math.min(Math.max(q, 0), 1) * (sorted.length - 1);
  const below = Math.floor(at);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (at - below);
}

/** One draw: the quantile at a uniform variate u in [0, 1). */
export const draw = (distribution: Distribution, u: number): number => quantile(distribution.samples, u);

/** mulberry32: a tiny seeded PRNG, so the planner's runs are reproducible from their seeds. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

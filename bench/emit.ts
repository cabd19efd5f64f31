// The benchmark output format: a readable table, or with --json one object per line
// {"bench", "metric", "value", "unit"}. Figures are medians and same-run ratios, never pass/fail.
export type Emit = (metric: string, value: number, unit: string) => void;

export interface BenchSuite {
  name: string; // the `bench` field of every figure it emits
  run(emit: Emit): Promise<void>;
}

export function makeEmit(bench: string, json: boolean, write: (line: string) => void = console.log): Emit {
  return (metric, value, unit) =>
    write(json ? JSON.stringify({ bench, metric, value, unit }) : `${metric.padEnd(44)} ${value.toFixed(3).padStart(14)} ${unit}`);
}

export function median(values: number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) throw new Error('percentile of no values');
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Median wall time in ms of `fn` over `runs` calls, after one warm-up call. */
export async function medianMs(fn: () => unknown | Promise<unknown>, runs: number): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return median(times);
}

/** Small statistics for repeated benchmark runs: every figure is a median of >= 3 measured runs. */

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** p-th percentile (0..100) by nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Runs `measure` once to warm up (discarded), then `runs` times; returns every measured result. */
export async function repeat<T>(runs: number, measure: (run: number) => Promise<T>, warmUp = true): Promise<T[]> {
  if (warmUp) await measure(0);
  const results: T[] = [];
  for (let run = 1; run <= runs; run++) results.push(await measure(run));
  return results;
}

/** The median of one field over runs. */
export function medianOf<T>(results: readonly T[], field: (result: T) => number): number {
  return median(results.map(field));
}

export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

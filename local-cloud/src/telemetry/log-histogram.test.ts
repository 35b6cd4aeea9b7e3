import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUCKETS, HistogramAccumulator, LiveHistogram, bucketOf, mergeLive, valueOf } from './log-histogram';

/** The exact nearest-rank percentile: the ceil(p% x n)-th smallest value. */
function exactPercentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil((p * sorted.length) / 100 - 1e-9)) - 1] as number;
}

function live(values: number[]): LiveHistogram {
  const histogram = new LiveHistogram();
  for (const value of values) histogram.record(value);
  return histogram;
}

/** Latencies as a service shows them: mostly around a median, a long tail, sometimes a stall. */
const latencies = fc.array(
  fc.oneof(
    fc.double({ min: 0.05, max: 50, noNaN: true }),
    fc.double({ min: 50, max: 30_000, noNaN: true }),
    fc.constantFrom(1, 10, 100, 5000),
  ),
  { minLength: 1, maxLength: 400 },
);
const percentiles = fc.constantFrom(1, 25, 50, 90, 95, 99, 99.9, 100);

describe('log histogram', () => {
  it('reads every percentile within 1 % of the exact value (2 significant digits), merged in any split', () => {
    fc.assert(
      fc.property(latencies, fc.nat(), percentiles, (values, cut, p) => {
        // Split the samples as seconds split them: one part sealed, the rest still live.
        const at = cut % (values.length + 1);
        const sealed = mergeLive(undefined, live(values.slice(0, at)));
        const accumulator = new HistogramAccumulator();
        accumulator.addSparse(mergeLive(sealed, live(values.slice(at))));
        const estimate = accumulator.percentile(p, Math.min(...values), Math.max(...values)) as number;
        const exact = exactPercentile(values, p);
        expect(Math.abs(estimate - exact) / exact).toBeLessThanOrEqual(0.01);
      }),
      { numRuns: 500 },
    );
  });

  it('merging sealed and live counts equals recording everything at once', () => {
    fc.assert(
      fc.property(latencies, latencies, (a, b) => {
        const merged = mergeLive(mergeLive(undefined, live(a)), live(b));
        expect([...merged]).toEqual([...mergeLive(undefined, live([...a, ...b]))]);
        let total = 0;
        for (let i = 1; i < merged.length; i += 2) total += merged[i] as number;
        expect(total).toBe(a.length + b.length);
      }),
    );
  });

  it('keeps values beyond its range in the edge buckets, and the exact min and max bound the answer', () => {
    expect(bucketOf(0)).toBe(0);
    expect(bucketOf(-5)).toBe(0);
    expect(bucketOf(Number.NaN)).toBe(0);
    expect(bucketOf(1e12)).toBe(BUCKETS - 1);
    const accumulator = new HistogramAccumulator();
    accumulator.addLive(live([1e9, 1e9]));
    expect(accumulator.percentile(50, 1e9, 1e9)).toBe(1e9);
    expect(valueOf(bucketOf(250))).toBeCloseTo(250, -1);
  });

  it('an accumulator reset between periods forgets the previous one', () => {
    const accumulator = new HistogramAccumulator();
    accumulator.addLive(live([1000, 1000, 1000]));
    accumulator.reset();
    accumulator.addLive(live([2]));
    expect(accumulator.total).toBe(1);
    expect(accumulator.percentile(100, 2, 2)).toBe(2);
    accumulator.reset();
    expect(accumulator.percentile(50, 0, 0)).toBeUndefined();
  });
});

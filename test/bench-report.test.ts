import { describe, expect, it } from 'vitest';
import { figure } from '../bench/lib/report';
import { median, percentile, repeat } from '../bench/lib/stats';

describe('benchmark statistics', () => {
  it('takes the median of odd and even counts, whatever the order', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('reads percentiles by nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
  });

  it('runs a warm-up that is not returned', async () => {
    const seen: number[] = [];
    const results = await repeat(3, (run) => {
      seen.push(run);
      return Promise.resolve(run * 10);
    });
    expect(seen).toEqual([0, 1, 2, 3]);
    expect(results).toEqual([10, 20, 30]);
  });

  it('reports the median, the ratio to its reference and whether the target is met', () => {
    const f = figure('orders', [900, 1200, 1000], 'orders/s', {
      reference: { name: 'ceiling', value: 2000, unit: 'req/s' },
      target: { text: '>= 50 % of ceiling', check: (_, ratio) => ratio >= 0.5 },
    });
    expect(f.value).toBe(1000);
    expect(f.ratio).toBe(0.5);
    expect(f.target).toEqual({ text: '>= 50 % of ceiling', met: true });
    const missed = figure('p99', [60, 40, 55], 'ms', { target: { text: '<= 50 ms', check: (v) => v <= 50 } });
    expect(missed.target?.met).toBe(false);
    expect(missed.ratio).toBeUndefined();
  });
});

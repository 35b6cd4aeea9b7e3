import { describe, expect, it } from 'vitest';
import { summarise, summaryText } from './chart-summary';

const series = [
  { key: 'rate', name: 'sent/s', color: '#000' },
  { key: 'p99', name: 'p99 ms', color: '#000' },
];

describe('chart summary', () => {
  it('gives the newest non-null value and the peak of each series', () => {
    const data = [
      { second: 1, rate: 20, p99: 12.25 },
      { second: 2, rate: 21, p99: 40.16 },
      { second: 3, rate: 20, p99: null },
    ];
    expect(summarise(data, series)).toEqual([
      { name: 'sent/s', last: 20, peak: 21 },
      { name: 'p99 ms', last: 40.16, peak: 40.16 },
    ]);
    expect(summaryText(summarise(data, series))).toBe('sent/s 20 (peak 21) · p99 ms 40.2 (peak 40.2)');
  });

  it('reads a flat line as its value, and no data as a dash', () => {
    expect(summaryText(summarise([{ rate: 0 }, { rate: 0 }], series))).toBe('sent/s 0 (peak 0) · p99 ms — (peak —)');
    expect(summarise([], series)[0]).toEqual({ name: 'sent/s', last: null, peak: null });
  });
});

import { describe, expect, it } from 'vitest';
import { FINE_SECONDS, MetricStore, percentileOf } from './metric-store';

const dims = { Environment: 'local:ts', Service: 'ts-order-api' };
const T0 = Date.UTC(2026, 10, 28, 12, 0, 0);

function store(nowMs = T0 + 3600_000, maxSeries = 10) {
  let now = nowMs;
  const metrics = new MetricStore({ retentionSeconds: 3 * 3600, maxSeries, now: () => now });
  return { metrics, setNow: (ms: number) => (now = ms) };
}

/** The exact nearest-rank percentile, to compare the store's answer with. */
function exactPercentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil((p * sorted.length) / 100) - 1] ?? NaN;
}

const relativeError = (estimate: number | undefined, exact: number) => Math.abs((estimate ?? NaN) - exact) / exact;

/** A deterministic latency for request i of second s: a body around 20 ms and a tail to 2 s. */
const latencyOf = (s: number, i: number) =>
  i % 50 === 0 ? 200 + ((s * 37 + i) % 1800) : 5 + ((s * 7 + i * 13) % 400) / 10;

describe('MetricStore', () => {
  it('answers every statistic per period, periods aligned to multiples of the period', () => {
    const { metrics } = store();
    // 10 requests in each of 12 seconds starting at T0: latency = second index + request / 10.
    const values: number[] = [];
    for (let s = 0; s < 12; s++) {
      for (let r = 0; r < 10; r++) {
        const value = 10 + s + r / 10;
        values.push(value);
        metrics.record('Latency', dims, value, T0 + s * 1000 + r * 50);
      }
    }
    const start = T0 / 1000;
    const byFive = (stat: Parameters<MetricStore['query']>[2]) =>
      metrics.query('Latency', dims, stat, 5, start, start + 12);
    expect(byFive('SampleCount')).toEqual([
      { timestamp: start, value: 50 },
      { timestamp: start + 5, value: 50 },
      { timestamp: start + 10, value: 20 },
    ]);
    expect(byFive('Minimum')[1]?.value).toBe(15);
    expect(byFive('Maximum')[1]?.value).toBeCloseTo(19.9, 9);
    expect(byFive('Sum')[0]?.value).toBeCloseTo(
      values.slice(0, 50).reduce((a, b) => a + b, 0),
      6,
    );
    expect(byFive('Average')[0]?.value).toBeCloseTo(12.45, 6);
    const whole = metrics.query('Latency', dims, 'p99', 60, start - (start % 60), start + 60);
    expect(whole).toHaveLength(1);
    expect(whole[0]?.value).toBeCloseTo(exactPercentile(values, 99), 0);
    expect(Math.abs((whole[0]?.value ?? 0) - exactPercentile(values, 99)) / exactPercentile(values, 99)).toBeLessThan(
      0.01,
    );
  });

  it('computes percentiles from sealed seconds exactly as from live ones', () => {
    const { metrics, setNow } = store(T0 + 5000);
    const values = Array.from({ length: 500 }, (_, i) => 1 + ((i * 7919) % 1000) / 3);
    values.forEach((value, i) => metrics.record('Latency', dims, value, T0 + (i % 5) * 1000));
    const start = T0 / 1000;
    const live = metrics.query('Latency', dims, 'p90', 5, start, start + 5);
    setNow(T0 + 120_000);
    metrics.sealOldSeconds();
    const sealed = metrics.query('Latency', dims, 'p90', 5, start, start + 5);
    expect(sealed).toEqual(live);
    // A late span for a sealed second reopens it.
    metrics.record('Latency', dims, 5000, T0);
    expect(metrics.query('Latency', dims, 'Maximum', 5, start, start + 5)[0]?.value).toBe(5000);
    expect(metrics.query('Latency', dims, 'p100', 5, start, start + 5)[0]?.value).toBeCloseTo(5000, -2);
  });

  it('answers percentiles over 3 hours of history within 1 % of the exact value, at every period the console asks for', () => {
    const end = T0 + 3 * 3600_000;
    const { metrics, setNow } = store(T0);
    const bySecond: number[][] = [];
    for (let s = 0; s < 3 * 3600; s++) {
      const values = Array.from({ length: 4 }, (_, i) => latencyOf(s, i + (s % 3)));
      bySecond.push(values);
      const ms = T0 + s * 1000;
      setNow(ms);
      for (const value of values) metrics.record('Latency', dims, value, ms);
      if (s % 10 === 0) metrics.sealOldSeconds();
    }
    setNow(end);
    metrics.sealOldSeconds();
    // From a minute in: periods that start before it are partial, and tiled by whole minutes.
    const start = T0 / 1000 + 60;
    for (const [period, p] of [
      [5, 99],
      [20, 99],
      [60, 50],
      [300, 99],
      [3600, 99.9],
    ] as const) {
      const points = metrics.query('Latency', dims, `p${p}`, period, start, end / 1000);
      expect(points.length).toBe((end / 1000 - Math.floor(start / period) * period) / period);
      for (const point of points) {
        const from = Math.max(point.timestamp, start) - T0 / 1000;
        const exact = exactPercentile(bySecond.slice(from, point.timestamp + period - T0 / 1000).flat(), p);
        expect(relativeError(point.value, exact), `period ${period} at ${point.timestamp}`).toBeLessThanOrEqual(0.01);
      }
    }
  });

  it('has per-second percentiles for the last 20 minutes, and 5-second ones before, as it documents', () => {
    const { metrics, setNow } = store(T0);
    for (let s = 0; s < FINE_SECONDS + 600; s += 1) {
      setNow(T0 + s * 1000);
      metrics.record('Latency', dims, latencyOf(s, 1), T0 + s * 1000);
      if (s % 30 === 0) metrics.sealOldSeconds();
    }
    metrics.sealOldSeconds();
    const start = T0 / 1000;
    // An old second: its count is kept, its 1-second percentile is not (no datapoint, never a wrong one).
    expect(metrics.query('Latency', dims, 'SampleCount', 1, start + 60, start + 61)).toEqual([
      { timestamp: start + 60, value: 1 },
    ]);
    expect(metrics.query('Latency', dims, 'p99', 1, start + 60, start + 61)).toEqual([]);
    expect(metrics.query('Latency', dims, 'p99', 5, start + 60, start + 65)[0]?.value).toBeCloseTo(
      Math.max(...[0, 1, 2, 3, 4].map((s) => latencyOf(60 + s, 1))),
      -1,
    );
    // A recent one has both.
    const recent = start + FINE_SECONDS + 500;
    expect(metrics.query('Latency', dims, 'p99', 1, recent, recent + 1)[0]?.value).toBeCloseTo(
      latencyOf(FINE_SECONDS + 500, 1),
      0,
    );
  });

  it('holds a busy Latency series in bounded memory: 200 requests a second for an hour', () => {
    const { metrics, setNow } = store(T0, 10);
    const bytesAfter: number[] = [];
    for (let s = 0; s < 3600; s++) {
      setNow(T0 + s * 1000);
      for (let i = 0; i < 200; i++) metrics.record('Latency', dims, latencyOf(s, i), T0 + s * 1000 + i * 5);
      metrics.sealOldSeconds();
      if (s % 600 === 599) bytesAfter.push(metrics.bytes);
    }
    // Deterministic data, so deterministic bytes. Each minute past the per-second window costs the
    // same, 15.2 KiB here (scalars 1.9 KiB, about 230 distinct buckets a minute); a minute inside
    // the window about 68 KiB. So 3 hours of this series hold about 3.9 MiB (README).
    const perOldMinute = ((bytesAfter[5] as number) - (bytesAfter[4] as number)) / 10;
    expect(perOldMinute).toBeLessThan(16 * 1024);
    expect(bytesAfter[5]).toBeLessThan((FINE_SECONDS / 60) * 72 * 1024 + 40 * 16 * 1024);
  });

  it('treats Fault as 0/1 per request: Sum counts faults, Average is the fault rate', () => {
    const { metrics } = store();
    for (let i = 0; i < 20; i++) metrics.record('Fault', dims, i < 5 ? 1 : 0, T0 + i * 10);
    const [point] = metrics.query('Fault', dims, 'Sum', 60, T0 / 1000, T0 / 1000 + 60);
    expect(point?.value).toBe(5);
    expect(metrics.query('Fault', dims, 'Average', 60, T0 / 1000, T0 / 1000 + 60)[0]?.value).toBe(0.25);
  });

  it('forgets what is older than its retention and ignores the far future', () => {
    const { metrics } = store(T0);
    metrics.record('Latency', dims, 1, T0 - 3 * 3600 * 1000);
    metrics.record('Latency', dims, 1, T0 + 3600_000);
    expect(metrics.seriesCount).toBe(0);
    metrics.record('Latency', dims, 1, T0 - 3 * 3600 * 1000 + 1000);
    expect(metrics.query('Latency', dims, 'SampleCount', 1, 0, T0 / 1000 + 1)).toHaveLength(1);
  });

  it('answers a range reaching years past the data as its retention (a far-future EndTime once froze local-cloud)', () => {
    const { metrics } = store(T0);
    for (let s = 0; s < 5; s++) metrics.record('Latency', dims, 10, T0 - s * 1000);
    const start = T0 / 1000 - 60;
    const sane = metrics.query('Latency', dims, 'p99', 1, start, T0 / 1000 + 60);
    const tenYears = metrics.query('Latency', dims, 'p99', 1, start, T0 / 1000 + 10 * 365 * 86_400);
    const fromTheDawnOfTime = metrics.query('Latency', dims, 'SampleCount', 1, 0, Number.MAX_SAFE_INTEGER);
    expect(sane).toHaveLength(5);
    expect(tenYears).toEqual(sane);
    expect(fromTheDawnOfTime.map((p) => p.value)).toEqual([1, 1, 1, 1, 1]);
  });

  it('a second one retention later does not show the data of the second it replaces', () => {
    const { metrics, setNow } = store(T0);
    metrics.record('Latency', dims, 7, T0);
    const later = T0 + 3 * 3600 * 1000;
    setNow(later);
    metrics.record('Latency', dims, 9, later);
    expect(metrics.query('Latency', dims, 'SampleCount', 1, later / 1000, later / 1000 + 1)).toEqual([
      { timestamp: later / 1000, value: 1 },
    ]);
    expect(metrics.query('Latency', dims, 'SampleCount', 1, T0 / 1000, T0 / 1000 + 1)).toEqual([]);
  });

  it('allocates one minute block for a series made by one request, not a whole retention (3 h) of slots', () => {
    const { metrics } = store(T0 + 3600_000, 5000);
    // Typed arrays are counted in arrayBuffers as they are allocated; a collection can only lower it.
    const before = process.memoryUsage().arrayBuffers;
    for (let i = 0; i < 1000; i++) metrics.record('Error', { ...dims, Operation: `GET /stray-${i}` }, 0, T0);
    const perSeries = (process.memoryUsage().arrayBuffers - before) / 1000;
    // A minute block is 4 x 60 doubles (1,920 bytes); the old ring buffers took 5 x 10,800 (432,000).
    expect(perSeries).toBeLessThanOrEqual(1920);
    expect(metrics.seriesCount).toBe(1000);
  });

  it('drops a series once all its data is past the retention, which frees its place under the cap', () => {
    const { metrics, setNow } = store(T0);
    for (let i = 0; i < 10; i++) metrics.record('Error', { ...dims, Operation: `GET /${i}` }, 0, T0);
    metrics.record('Error', { ...dims, Operation: 'GET /late' }, 0, T0);
    expect(metrics.droppedSeries).toBe(1);
    setNow(T0 + 3 * 3600 * 1000 + 60_000);
    metrics.sealOldSeconds();
    expect(metrics.seriesCount).toBe(0);
    metrics.record('Error', { ...dims, Operation: 'GET /late' }, 0, T0 + 3 * 3600 * 1000 + 60_000);
    expect(metrics.seriesCount).toBe(1);
  });

  it('caps the number of series and counts what it dropped', () => {
    const { metrics } = store();
    for (let i = 0; i < 12; i++) metrics.record('Error', { ...dims, Operation: `GET /${i}` }, 0, T0);
    expect(metrics.seriesCount).toBe(10);
    expect(metrics.droppedSeries).toBe(2);
  });

  it.each([
    ['p99', 99],
    ['p50', 50],
    ['p99.9', 99.9],
    ['p100', 100],
    ['p0', undefined],
    ['P99', undefined],
    ['tm99', undefined],
  ])('reads the statistic %s as percentile %s', (stat, expected) => {
    expect(percentileOf(stat)).toBe(expected);
  });
});

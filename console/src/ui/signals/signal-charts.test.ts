import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../shared/bursts';
import type { ChartView } from '../../shared/signals';
import { health, millis, percent } from './format';
import { clientSeries, signalCharts, signalRows, unpublishedAreas } from './signal-charts';
import { rangeWindow } from './window';

const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);

/** A per-second snapshot that closes at T0 + `second` seconds. */
function snapshot(second: number, counts: Partial<Snapshot> & { p99?: number }): Snapshot {
  return {
    second,
    at: new Date(T0 + second * 1000).toISOString(),
    inFlight: 0,
    maxInFlight: 100,
    capReached: false,
    oldestOpenMs: 0,
    achievedRate: counts.sent ?? 0,
    sent: 0,
    ok: 0,
    clientErrors: 0,
    serverErrors: 0,
    timeouts: 0,
    failures: 0,
    dropped: 0,
    ...counts,
    latency: { p50: 1, p95: 1, p99: counts.p99 ?? 1, max: counts.p99 ?? 1, mean: 1, count: 1 },
    recent: { seconds: 10, p50: 1, p99: counts.p99 ?? 1, count: 1 },
  };
}

describe('client-side burst series', () => {
  it.each([
    ['the first second of a period', 1, T0],
    ['the last second of a period', 5, T0],
    ['the first second of the next', 6, T0 + 5000],
  ])('puts %s in the period it covers', (_name, second, bucket) => {
    const series = clientSeries([snapshot(second, { sent: 10, ok: 10 })], 5000);
    expect([...series.keys()]).toEqual([bucket]);
  });

  it('takes the worst p99 and the share of answers that failed', () => {
    const series = clientSeries(
      [
        snapshot(1, { sent: 10, ok: 9, serverErrors: 1, p99: 40 }),
        snapshot(2, { sent: 10, ok: 8, timeouts: 2, p99: 90 }),
      ],
      5000,
    );
    expect(series.get(T0)).toEqual({ p99: 90, errorRate: 15 });
  });

  it('never reads above 100 % when answers to earlier sends arrive while nothing is sent (a stall)', () => {
    const series = clientSeries(
      [
        snapshot(1, { sent: 30, ok: 0 }),
        snapshot(6, { sent: 0, serverErrors: 57 }),
        snapshot(7, { sent: 0, timeouts: 3 }),
      ],
      5000,
    );
    expect(series.get(T0)?.errorRate).toBeNull();
    expect(series.get(T0 + 5000)?.errorRate).toBe(100);
  });
});

describe('signals panel charts', () => {
  it('lists four charts, and the client-side lines only with a burst', () => {
    expect(signalCharts(false).map((c) => c.testId)).toEqual([
      'chart-latency',
      'chart-fault-rate',
      'chart-fault-count',
      'chart-requests',
    ]);
    const keys = (withClient: boolean) => signalCharts(withClient).flatMap((c) => c.series.map((s) => s.key));
    expect(keys(false)).not.toContain('clientP99');
    expect(keys(true)).toEqual(expect.arrayContaining(['clientP99', 'clientErrorRate']));
  });

  const view: ChartView = {
    service: 'ts-order-api',
    operation: null,
    window: { from: T0, to: T0 + 10_000, periodSeconds: 5 },
    points: [
      { t: T0, p50: 10, p99: 50, avg: 12.345, requests: 20, faults: 1, errors: 0, faultRate: 0.05, errorRate: 0 },
      {
        t: T0 + 5000,
        p50: null,
        p99: null,
        avg: null,
        requests: 0,
        faults: 0,
        errors: 0,
        faultRate: null,
        errorRate: null,
      },
    ],
    totals: { requests: 20, faults: 1, errors: 0, faultRate: 0.05, errorRate: 0, p99: 50 },
    freshness: { lastDatapoint: T0, ageSeconds: 5, publishLagSeconds: 2 },
    markers: [],
    cost: { calls: 1, metrics: 6 },
  };

  it('turns shares into percentages and joins the burst by period', () => {
    const rows = signalRows(view, [snapshot(2, { sent: 4, ok: 3, serverErrors: 1, p99: 70 })]);
    expect(rows[0]).toMatchObject({ t: T0, avg: 12.3, faultRate: 5, errorRate: 0, clientP99: 70, clientErrorRate: 25 });
    expect(rows[1]).toMatchObject({ faultRate: null, clientP99: null });
  });

  it('shades the unpublished span only where metrics arrive late (AWS)', () => {
    expect(unpublishedAreas(view)).toEqual([]);
    const aws = { ...view, freshness: { ...view.freshness, publishLagSeconds: 180 } };
    expect(unpublishedAreas(aws)).toEqual([{ from: T0, to: T0 + 10_000, label: 'not yet published' }]);
  });
});

describe('formatting', () => {
  it.each([
    [null, '—'],
    [0, '0.0 %'],
    [0.005, '0.50 %'],
    [0.25, '25.0 %'],
  ])('percent(%s) is %s', (rate, text) => expect(percent(rate)).toBe(text));

  it.each([
    [null, '—'],
    [12.4, '12 ms'],
    [1500, '1.5 s'],
  ])('millis(%s) is %s', (ms, text) => expect(millis(ms)).toBe(text));

  it.each([
    ['no requests', { requests: 0, faultRate: null, p99: null }, 'idle'],
    ['clean and fast', { requests: 10, faultRate: 0, p99: 100 }, 'green'],
    ['a few faults', { requests: 10, faultRate: 0.01, p99: 100 }, 'amber'],
    ['slow', { requests: 10, faultRate: 0, p99: 600 }, 'amber'],
    ['many faults', { requests: 10, faultRate: 0.1, p99: 100 }, 'red'],
  ])('health when %s', (_name, totals, light) =>
    expect(health({ faults: 0, errors: 0, errorRate: 0, ...totals })).toBe(light),
  );

  it('a relative range ends now; a custom one is what was picked', () => {
    expect(rangeWindow('5m', T0, { from: 1, to: 2 })).toEqual({ from: T0 - 300_000, to: T0 });
    expect(rangeWindow('custom', T0, { from: 1, to: 2 })).toEqual({ from: 1, to: 2 });
  });
});

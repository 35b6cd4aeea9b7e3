import { MetricStore } from '../../local-cloud/src/telemetry/metric-store';
import type { Part } from '../lib/part';
import { figure } from '../lib/report';
import { median, repeat, round } from '../lib/stats';

/** The order path's rate, and the history a talk has behind it. */
const RATE = 200;
const HISTORY_SECONDS = 3 * 3600;
const dims = { Environment: 'local:ts', Operation: 'POST /api/orders', Service: 'ts-order-api' };

/** Latencies as the demo shows them: a body of 5-45 ms, 2 % in a tail up to 2 s. */
const latencyOf = (s: number, i: number) =>
  i % 50 === 0 ? 200 + ((s * 37 + i) % 1800) : 5 + ((s * 7 + i * 13) % 400) / 10;

/** CPU milliseconds of one call of `work`, the median of `times` after a warm-up. */
function cpuMs(work: () => unknown, times = 20): number {
  for (let i = 0; i < 3; i++) work();
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const before = process.cpuUsage();
    work();
    const used = process.cpuUsage(before);
    samples.push((used.user + used.system) / 1000);
  }
  return median(samples);
}

/**
 * The metric store's query cost at 200 orders/s with 3 hours of history (one Latency and one Fault
 * series filled second by second, sealed as local-cloud seals them), in this process: the CPU of
 * one GetMetricData query as the console asks them. Reference, same run: the exact percentile by
 * sorting the window's raw latencies (what a store without histograms would do).
 */
export const metricQuery: Part = {
  name: 'metric-query',
  title: `Metric store: one percentile query at ${RATE} requests/s with 3 h of history`,
  async run({ config, log }) {
    const start = Date.UTC(2026, 0, 1);
    let now = start;
    const store = new MetricStore({ retentionSeconds: HISTORY_SECONDS, maxSeries: 100, now: () => now });
    const raw = new Float64Array(HISTORY_SECONDS * RATE);
    for (let s = 0; s < HISTORY_SECONDS; s++) {
      now = start + s * 1000;
      for (let i = 0; i < RATE; i++) {
        const value = latencyOf(s, i);
        raw[s * RATE + i] = value;
        store.record('Latency', dims, value, now + i * 5);
        store.record('Fault', dims, i % 100 === 0 ? 1 : 0, now + i * 5);
      }
      store.sealOldSeconds();
    }
    now += 1000;
    const end = now / 1000;
    log(`filled: ${HISTORY_SECONDS * RATE} requests, ${(store.bytes / 1048576).toFixed(1)} MiB of counts`);
    const query =
      (period: number, seconds: number, statistic: 'p99' | 'Sum' = 'p99') =>
      () =>
        store.query(
          statistic === 'Sum' ? 'Fault' : 'Latency',
          dims,
          statistic,
          period,
          Math.floor((end - seconds) / period) * period,
          end,
        );
    const exact = (seconds: number) => () => Float64Array.from(raw.subarray(raw.length - seconds * RATE)).sort();
    const runs = await repeat(config.BENCH_RUNS, () =>
      Promise.resolve({
        p99of15min: cpuMs(query(5, 900)),
        p99of3h: cpuMs(query(20, HISTORY_SECONDS)),
        p99of3hByMinute: cpuMs(query(60, HISTORY_SECONDS)),
        faultsOf3h: cpuMs(query(20, HISTORY_SECONDS, 'Sum')),
        exact15min: cpuMs(exact(900), 5),
        exact3h: cpuMs(exact(HISTORY_SECONDS), 3),
      }),
    );
    const of = (field: keyof (typeof runs)[number]) => runs.map((r) => round(r[field], 3));
    return {
      figures: [
        figure('p99 over 15 min at 5 s periods (180 points)', of('p99of15min'), 'ms CPU', {
          reference: { name: 'exact, by sorting 15 min of samples', value: median(of('exact15min')), unit: 'ms CPU' },
          target: { text: '<= 5 ms', check: (v) => v <= 5 },
        }),
        figure('p99 over 3 h at 20 s periods (540 points)', of('p99of3h'), 'ms CPU', {
          reference: { name: 'exact, by sorting 3 h of samples', value: median(of('exact3h')), unit: 'ms CPU' },
          target: { text: '<= 20 ms', check: (v) => v <= 20 },
        }),
        figure('p99 over 3 h at 60 s periods (180 points)', of('p99of3hByMinute'), 'ms CPU', {
          target: { text: '<= 20 ms', check: (v) => v <= 20 },
        }),
        figure('Fault Sum over 3 h at 20 s periods', of('faultsOf3h'), 'ms CPU'),
        figure('memory of the two series after 3 h', [store.bytes / 1048576], 'MiB', {
          note: 'Latency and Fault; counts only (typed arrays)',
        }),
      ],
      raw: { runs, bytes: store.bytes },
    };
  },
};

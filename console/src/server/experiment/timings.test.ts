import { describe, expect, it } from 'vitest';
import type { SeriesPoint } from '../../shared/signals';
import { latencyRule, serviceTimes } from './timings';

const T0 = Date.UTC(2026, 11, 3, 10, 0, 0);
/** 5 s periods from T0; `faults` and `p50` per period. */
function points(rows: { faults?: number; p50?: number | null }[]): SeriesPoint[] {
  return rows.map((r, i) => ({
    t: T0 + i * 5000,
    p50: r.p50 === undefined ? 10 : r.p50,
    p99: null,
    avg: null,
    requests: 10,
    faults: r.faults ?? 0,
    errors: 0,
    faultRate: (r.faults ?? 0) / 10,
    errorRate: 0,
  }));
}

describe('detection and recovery times', () => {
  // Periods 0-9: faults in 3..5; verified at 12 s (in period 2), restored at 27 s (in period 5).
  const series = points([{}, {}, {}, { faults: 2 }, { faults: 5 }, { faults: 1 }, {}, {}, {}, {}]);

  it('detection: verified to the end of the first period with a fault; recovery: restore verified to the end of the last', () => {
    expect(serviceTimes(series, 5, { kind: 'faults' }, T0 + 12_000, T0 + 27_000)).toEqual({
      detectionSeconds: 8, // period 3 ends at 20 s
      recoverySeconds: 3, // period 5 ends at 30 s
    });
  });

  it('null while unknown: no fault seen yet, no Restore verified yet; 0 when nothing showed after the Restore', () => {
    const clean = points([{}, {}, {}, {}]);
    expect(serviceTimes(clean, 5, { kind: 'faults' }, T0 + 2000, undefined)).toEqual({
      detectionSeconds: null,
      recoverySeconds: null,
    });
    expect(serviceTimes(series, 5, { kind: 'faults' }, T0 + 12_000, T0 + 31_000).recoverySeconds).toBe(0);
  });

  it('a fault period that ended before "verified" does not count as detection', () => {
    const early = points([{ faults: 1 }, {}, { faults: 3 }]);
    expect(serviceTimes(early, 5, { kind: 'faults' }, T0 + 6000, undefined).detectionSeconds).toBe(9);
  });

  it('slow database: a p50 half the hold above the median p50 before the inject', () => {
    const slow = points([
      { p50: 10 },
      { p50: 12 },
      { p50: 11 },
      { p50: 400 },
      { p50: 1100 },
      { p50: 1050 },
      { p50: 12 },
    ]);
    const rule = latencyRule(slow, 5, T0 + 15_000, 1);
    expect(rule).toEqual({ kind: 'latency', p50AtLeastMs: 511 });
    expect(serviceTimes(slow, 5, rule, T0 + 16_000, T0 + 29_000)).toEqual({ detectionSeconds: 9, recoverySeconds: 1 });
  });

  it('the latency baseline is the last 6 periods before the inject, not an earlier fault in the window', () => {
    // Seven slow periods (an earlier fault), then six normal ones, then the inject at 65 s: over all
    // thirteen the median would be the fault's 3000 ms.
    const rows = [
      ...Array.from({ length: 7 }, () => ({ p50: 3000 })),
      ...Array.from({ length: 6 }, () => ({ p50: 20 })),
      { p50: 900 },
    ];
    expect(latencyRule(points(rows), 5, T0 + 65_000, 1)).toEqual({ kind: 'latency', p50AtLeastMs: 520 });
  });
});

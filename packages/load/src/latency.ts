import * as hdr from 'hdr-histogram-js';

export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
  count: number;
}

/** Latency in milliseconds, kept in an HDR histogram (microsecond integers, 3 significant digits). */
export class LatencyRecorder {
  private histogram = LatencyRecorder.build();

  private static build(): hdr.Histogram {
    return hdr.build({
      numberOfSignificantValueDigits: 3,
      lowestDiscernibleValue: 1,
      highestTrackableValue: 3_600_000_000,
      useWebAssembly: false,
    });
  }

  record(ms: number): void {
    this.histogram.recordValue(Math.max(1, Math.round(ms * 1000)));
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  summary(): LatencySummary {
    const h = this.histogram;
    const at = (p: number) => (h.totalCount === 0 ? 0 : h.getValueAtPercentile(p) / 1000);
    return {
      p50: at(50),
      p95: at(95),
      p99: at(99),
      max: h.totalCount === 0 ? 0 : h.maxValue / 1000,
      mean: h.totalCount === 0 ? 0 : h.mean / 1000,
      count: h.totalCount,
    };
  }

  /** Adds every value `other` holds. */
  add(other: LatencyRecorder): void {
    if (other.count > 0) this.histogram.add(other.histogram);
  }

  reset(): void {
    this.histogram.reset();
  }

  destroy(): void {
    this.histogram.destroy();
  }
}

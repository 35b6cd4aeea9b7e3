import * as hdr from 'hdr-histogram-js';

/**
 * Application Signals metrics at 1-second resolution, for at least `retentionSeconds`, in bounded
 * memory. Each series (metric name + dimensions) keeps per-second count, sum, min and max in typed
 * ring buffers; Latency series also keep one HDR histogram per second, compressed once the second
 * is sealed, so percentiles over any period are exact to 2 significant digits.
 */

export type MetricName = 'Latency' | 'Fault' | 'Error';
export const METRIC_NAMES: readonly MetricName[] = ['Latency', 'Fault', 'Error'];
export const NAMESPACE = 'ApplicationSignals';

export type Dimensions = Record<string, string>;

export interface SeriesInfo {
  metricName: MetricName;
  dimensions: Dimensions;
  lastSecond: number;
}

/** Latency is recorded in microseconds (HDR needs integers) and reported in milliseconds. */
const MICROS_PER_MS = 1000;
/** A second stays open (live histogram) this long, for spans that arrive late. */
const SEAL_AFTER_SECONDS = 30;

function newHistogram(): hdr.Histogram {
  return hdr.build({
    bitBucketSize: 'packed',
    numberOfSignificantValueDigits: 2,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    useWebAssembly: false,
  });
}

export function seriesKey(metricName: string, dimensions: Dimensions): string {
  const names = Object.keys(dimensions).sort();
  return `${metricName}|${names.map((name) => `${name}=${dimensions[name]}`).join('|')}`;
}

class Series {
  readonly count: Float64Array;
  readonly sum: Float64Array;
  readonly min: Float64Array;
  readonly max: Float64Array;
  /** Which epoch second each slot holds; a slot with another second is empty for this one. */
  readonly slotSecond: Float64Array;
  readonly sealed: (string | undefined)[];
  readonly live = new Map<number, hdr.Histogram>();
  firstSecond = Infinity;
  lastSecond = 0;

  constructor(
    readonly metricName: MetricName,
    readonly dimensions: Dimensions,
    readonly capacity: number,
  ) {
    this.count = new Float64Array(capacity);
    this.sum = new Float64Array(capacity);
    this.min = new Float64Array(capacity);
    this.max = new Float64Array(capacity);
    this.slotSecond = new Float64Array(capacity).fill(-1);
    this.sealed = metricName === 'Latency' ? new Array<string | undefined>(capacity) : [];
  }

  record(second: number, value: number): void {
    const slot = second % this.capacity;
    if (this.slotSecond[slot] !== second) {
      this.slotSecond[slot] = second;
      this.count[slot] = 0;
      this.sum[slot] = 0;
      this.min[slot] = Infinity;
      this.max[slot] = -Infinity;
      if (this.metricName === 'Latency') this.sealed[slot] = undefined;
    }
    this.count[slot] = (this.count[slot] ?? 0) + 1;
    this.sum[slot] = (this.sum[slot] ?? 0) + value;
    this.min[slot] = Math.min(this.min[slot] ?? Infinity, value);
    this.max[slot] = Math.max(this.max[slot] ?? -Infinity, value);
    if (this.metricName === 'Latency')
      this.histogramFor(second, slot).recordValue(Math.max(1, Math.round(value * MICROS_PER_MS)));
    this.firstSecond = Math.min(this.firstSecond, second);
    this.lastSecond = Math.max(this.lastSecond, second);
  }

  /** The live histogram of a second; reopens a sealed one for a late span. */
  private histogramFor(second: number, slot: number): hdr.Histogram {
    let histogram = this.live.get(second);
    if (!histogram) {
      const sealed = this.sealed[slot];
      histogram = sealed ? hdr.decodeFromCompressedBase64(sealed, 'packed', false) : newHistogram();
      this.sealed[slot] = undefined;
      this.live.set(second, histogram);
    }
    return histogram;
  }

  seal(beforeSecond: number): void {
    for (const [second, histogram] of this.live) {
      if (second >= beforeSecond) continue;
      const slot = second % this.capacity;
      if (this.slotSecond[slot] === second) this.sealed[slot] = hdr.encodeIntoCompressedBase64(histogram);
      histogram.destroy();
      this.live.delete(second);
    }
  }

  /** Adds one second's distribution into `into`. */
  addHistogram(second: number, into: hdr.Histogram): void {
    const live = this.live.get(second);
    if (live) {
      into.add(live);
      return;
    }
    const sealed = this.sealed[second % this.capacity];
    if (!sealed) return;
    const decoded = hdr.decodeFromCompressedBase64(sealed, 'packed', false);
    into.add(decoded);
    decoded.destroy();
  }
}

export interface Datapoint {
  /** Start of the period, epoch seconds. */
  timestamp: number;
  value: number;
}

export type Statistic = 'Average' | 'Sum' | 'SampleCount' | 'Minimum' | 'Maximum' | `p${number}`;

/** `p99`, `p99.9`, `p50` ... as a percentile in (0, 100]; undefined for other statistics. */
export function percentileOf(statistic: string): number | undefined {
  const match = /^p(\d{1,2}(?:\.\d+)?|100)$/.exec(statistic);
  if (!match) return undefined;
  const value = Number(match[1]);
  return value > 0 && value <= 100 ? value : undefined;
}

export function isStatistic(statistic: string): statistic is Statistic {
  return (
    ['Average', 'Sum', 'SampleCount', 'Minimum', 'Maximum'].includes(statistic) || percentileOf(statistic) !== undefined
  );
}

export interface MetricStoreOptions {
  retentionSeconds: number;
  maxSeries: number;
  now?: () => number;
}

export class MetricStore {
  private readonly series = new Map<string, Series>();
  private readonly now: () => number;
  droppedSeries = 0;

  constructor(private readonly options: MetricStoreOptions) {
    this.now = options.now ?? Date.now;
  }

  record(metricName: MetricName, dimensions: Dimensions, value: number, timeMs: number): void {
    const second = Math.floor(timeMs / 1000);
    const nowSecond = Math.floor(this.now() / 1000);
    if (second <= nowSecond - this.options.retentionSeconds || second > nowSecond + 60) return;
    const key = seriesKey(metricName, dimensions);
    let series = this.series.get(key);
    if (!series) {
      if (this.series.size >= this.options.maxSeries) {
        this.droppedSeries++;
        return;
      }
      series = new Series(metricName, { ...dimensions }, this.options.retentionSeconds);
      this.series.set(key, series);
    }
    series.record(second, value);
  }

  /** Compresses histograms of seconds old enough that no more spans are expected for them. */
  sealOldSeconds(): void {
    const before = Math.floor(this.now() / 1000) - SEAL_AFTER_SECONDS;
    for (const series of this.series.values()) series.seal(before);
  }

  /** Every series with data between the two seconds (roughly: by its first and last datapoint). */
  list(sinceSecond = 0, untilSecond = Infinity): SeriesInfo[] {
    return [...this.series.values()]
      .filter((series) => series.lastSecond >= sinceSecond && series.firstSecond <= untilSecond)
      .map((series) => ({
        metricName: series.metricName,
        dimensions: series.dimensions,
        lastSecond: series.lastSecond,
      }));
  }

  get seriesCount(): number {
    return this.series.size;
  }

  /**
   * Datapoints of one series for [startSecond, endSecond), one per period that has data, periods
   * aligned to multiples of `period` since the epoch as CloudWatch aligns them. Oldest first.
   */
  query(
    metricName: MetricName,
    dimensions: Dimensions,
    statistic: Statistic,
    period: number,
    startSecond: number,
    endSecond: number,
  ): Datapoint[] {
    const series = this.series.get(seriesKey(metricName, dimensions));
    if (!series) return [];
    const nowSecond = Math.floor(this.now() / 1000);
    // Clamped to what can hold data (the retention, and no datapoint is taken more than 60 s
    // ahead), so a far-past or far-future range costs no more than the retention.
    const from = Math.max(startSecond, nowSecond - this.options.retentionSeconds + 1);
    endSecond = Math.min(endSecond, nowSecond + 61);
    const percentile = percentileOf(statistic);
    const points: Datapoint[] = [];
    for (let periodStart = Math.floor(from / period) * period; periodStart < endSecond; periodStart += period) {
      let count = 0;
      let sum = 0;
      let min = Infinity;
      let max = -Infinity;
      const seconds: number[] = [];
      for (let second = Math.max(periodStart, from); second < Math.min(periodStart + period, endSecond); second++) {
        const slot = second % series.capacity;
        if (series.slotSecond[slot] !== second) continue;
        count += series.count[slot] ?? 0;
        sum += series.sum[slot] ?? 0;
        min = Math.min(min, series.min[slot] ?? Infinity);
        max = Math.max(max, series.max[slot] ?? -Infinity);
        seconds.push(second);
      }
      if (count === 0) continue;
      let value: number;
      if (percentile !== undefined) {
        if (metricName !== 'Latency') {
          // Fault and Error hold 0/1 per request: a percentile is 1 when more than (100-p)% failed.
          value = sum / count > 1 - percentile / 100 ? 1 : 0;
        } else {
          const merged = newHistogram();
          for (const second of seconds) series.addHistogram(second, merged);
          value = merged.getValueAtPercentile(percentile) / MICROS_PER_MS;
          merged.destroy();
        }
      } else {
        value = { Average: sum / count, Sum: sum, SampleCount: count, Minimum: min, Maximum: max }[statistic as 'Sum'];
      }
      points.push({ timestamp: periodStart, value });
    }
    return points;
  }
}

import * as hdr from 'hdr-histogram-js';

/**
 * Application Signals metrics at 1-second resolution, for at least `retentionSeconds`, in bounded
 * memory. Each series (metric name + dimensions) keeps per-second count, sum, min and max in
 * minute blocks allocated as data arrives; Latency series also keep one HDR histogram per second,
 * compressed once the second is sealed, so percentiles over any period are exact to 2 significant
 * digits.
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

/** Seconds per block of a series' storage: memory is allocated a minute at a time, as data arrives. */
const BLOCK_SECONDS = 60;

/** One minute of one series: per-second count, sum, min and max (and Latency's histograms). */
class Block {
  readonly count = new Float64Array(BLOCK_SECONDS);
  readonly sum = new Float64Array(BLOCK_SECONDS);
  readonly min = new Float64Array(BLOCK_SECONDS).fill(Infinity);
  readonly max = new Float64Array(BLOCK_SECONDS).fill(-Infinity);
  /** Latency only: each sealed second's histogram, compressed. */
  readonly sealed: (string | undefined)[];

  constructor(latency: boolean) {
    this.sealed = latency ? new Array<string | undefined>(BLOCK_SECONDS) : [];
  }
}

/**
 * One series. Storage grows by one Block per minute that has data (about 2 KiB, plus the
 * compressed histograms of a Latency series) and old blocks are dropped after the retention, so a
 * series made by one stray request costs a few KiB, not a whole retention's worth of slots.
 */
class Series {
  private readonly blocks = new Map<number, Block>();
  readonly live = new Map<number, hdr.Histogram>();
  firstSecond = Infinity;
  lastSecond = 0;

  constructor(
    readonly metricName: MetricName,
    readonly dimensions: Dimensions,
  ) {}

  private block(second: number, create: true): Block;
  private block(second: number, create?: false): Block | undefined;
  private block(second: number, create = false): Block | undefined {
    const index = Math.floor(second / BLOCK_SECONDS);
    let block = this.blocks.get(index);
    if (!block && create) {
      block = new Block(this.metricName === 'Latency');
      this.blocks.set(index, block);
    }
    return block;
  }

  record(second: number, value: number): void {
    const block = this.block(second, true);
    const i = second % BLOCK_SECONDS;
    block.count[i] = (block.count[i] ?? 0) + 1;
    block.sum[i] = (block.sum[i] ?? 0) + value;
    block.min[i] = Math.min(block.min[i] ?? Infinity, value);
    block.max[i] = Math.max(block.max[i] ?? -Infinity, value);
    if (this.metricName === 'Latency')
      this.histogramFor(second, block).recordValue(Math.max(1, Math.round(value * MICROS_PER_MS)));
    this.firstSecond = Math.min(this.firstSecond, second);
    this.lastSecond = Math.max(this.lastSecond, second);
  }

  /** count, sum, min, max of one second; count 0 when it has no data. */
  at(second: number): { count: number; sum: number; min: number; max: number } | undefined {
    const block = this.block(second);
    const i = second % BLOCK_SECONDS;
    const count = block?.count[i] ?? 0;
    if (!block || count === 0) return undefined;
    return { count, sum: block.sum[i] ?? 0, min: block.min[i] ?? Infinity, max: block.max[i] ?? -Infinity };
  }

  /** The live histogram of a second; reopens a sealed one for a late span. */
  private histogramFor(second: number, block: Block): hdr.Histogram {
    let histogram = this.live.get(second);
    if (!histogram) {
      const i = second % BLOCK_SECONDS;
      const sealed = block.sealed[i];
      histogram = sealed ? hdr.decodeFromCompressedBase64(sealed, 'packed', false) : newHistogram();
      block.sealed[i] = undefined;
      this.live.set(second, histogram);
    }
    return histogram;
  }

  seal(beforeSecond: number): void {
    for (const [second, histogram] of this.live) {
      if (second >= beforeSecond) continue;
      const block = this.block(second);
      if (block) block.sealed[second % BLOCK_SECONDS] = hdr.encodeIntoCompressedBase64(histogram);
      histogram.destroy();
      this.live.delete(second);
    }
  }

  /** Drops the blocks wholly before `second`; true when nothing is left. */
  expire(second: number): boolean {
    // Blocks are made in time order, so the expired ones are at the front: this runs every second
    // for every series and must not walk the whole retention. (A late span that makes an older
    // block out of order only delays that block's removal.) Their seconds have no live histograms:
    // seal() closed those long before the retention ends.
    for (const index of this.blocks.keys()) {
      if ((index + 1) * BLOCK_SECONDS > second) break;
      this.blocks.delete(index);
    }
    if (this.blocks.size > 0) this.firstSecond = Math.max(this.firstSecond, second);
    return this.blocks.size === 0;
  }

  /** Adds one second's distribution into `into`. */
  addHistogram(second: number, into: hdr.Histogram): void {
    const live = this.live.get(second);
    if (live) {
      into.add(live);
      return;
    }
    const sealed = this.block(second)?.sealed[second % BLOCK_SECONDS];
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
      series = new Series(metricName, { ...dimensions });
      this.series.set(key, series);
    }
    series.record(second, value);
  }

  /**
   * Compresses histograms of seconds old enough that no more spans are expected for them, and
   * forgets data past the retention (a series with none left is gone, and frees its place).
   */
  sealOldSeconds(): void {
    const nowSecond = Math.floor(this.now() / 1000);
    const oldest = nowSecond - this.options.retentionSeconds + 1;
    for (const [key, series] of this.series) {
      series.seal(nowSecond - SEAL_AFTER_SECONDS);
      if (series.expire(oldest)) this.series.delete(key);
    }
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
        const datum = series.at(second);
        if (!datum) continue;
        count += datum.count;
        sum += datum.sum;
        min = Math.min(min, datum.min);
        max = Math.max(max, datum.max);
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

import { BUCKETS, HistogramAccumulator, LiveHistogram, mergeLive, type SparseHistogram } from './log-histogram';

/**
 * Application Signals metrics at 1-second resolution, for `retentionSeconds`, at a query cost that
 * does not grow with the request rate or the uptime. Each series (metric name + dimensions) keeps
 * per-second count, sum, min and max in minute blocks allocated as data arrives. Latency series
 * also keep distributions (log-bucket histograms, within 1 % of the exact percentile): a second
 * still taking spans has a live one; once sealed, its counts are merged into the histograms of
 * its second, its 5 seconds and its minute, so a percentile over any period merges at most a few
 * pre-merged histograms per minute instead of one per second.
 *
 * LIMITATIONS: per-second histograms are kept for FINE_SECONDS (20 minutes); older percentiles
 * need a period that is a multiple of 5 s, as every period the console asks for is. A 1-second
 * percentile of older data has no datapoint. Memory per series: see `README.md`.
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

/** A second stays open (live histogram) this long, for spans that arrive late. */
const SEAL_AFTER_SECONDS = 30;
/** How long per-second histograms are kept (the 5-second and minute ones last the retention). */
export const FINE_SECONDS = 20 * 60;

export function seriesKey(metricName: string, dimensions: Dimensions): string {
  const names = Object.keys(dimensions).sort();
  return `${metricName}|${names.map((name) => `${name}=${dimensions[name]}`).join('|')}`;
}

/** Seconds per block of a series' storage: memory is allocated a minute at a time, as data arrives. */
const BLOCK_SECONDS = 60;
/** Seconds per pre-merged slot inside a block: every sub-minute period but 1 s is a multiple. */
const SLOT_SECONDS = 5;

/** Sealed distributions of one minute of a Latency series. */
class MinuteHistograms {
  /** Per second; dropped (undefined) once the minute is FINE_SECONDS old. */
  perSecond: (SparseHistogram | undefined)[] | undefined = new Array<SparseHistogram | undefined>(BLOCK_SECONDS);
  readonly perSlot = new Array<SparseHistogram | undefined>(BLOCK_SECONDS / SLOT_SECONDS);
  perMinute: SparseHistogram | undefined;

  get bytes(): number {
    let bytes = this.perMinute?.byteLength ?? 0;
    for (const histogram of this.perSlot) bytes += histogram?.byteLength ?? 0;
    for (const histogram of this.perSecond ?? []) bytes += histogram?.byteLength ?? 0;
    return bytes;
  }

  /** Adds a sealed second's counts to its second, its slot and its minute. */
  fold(offset: number, live: LiveHistogram): void {
    if (this.perSecond) this.perSecond[offset] = mergeLive(this.perSecond[offset], live);
    const slot = Math.floor(offset / SLOT_SECONDS);
    this.perSlot[slot] = mergeLive(this.perSlot[slot], live);
    this.perMinute = mergeLive(this.perMinute, live);
  }
}

/** One minute of one series: per-second count, sum, min and max (and Latency's histograms). */
class Block {
  readonly count = new Float64Array(BLOCK_SECONDS);
  readonly sum = new Float64Array(BLOCK_SECONDS);
  readonly min = new Float64Array(BLOCK_SECONDS).fill(Infinity);
  readonly max = new Float64Array(BLOCK_SECONDS).fill(-Infinity);
  readonly histograms: MinuteHistograms | undefined;

  constructor(latency: boolean) {
    this.histograms = latency ? new MinuteHistograms() : undefined;
  }
}

const SCALAR_BYTES = 4 * BLOCK_SECONDS * Float64Array.BYTES_PER_ELEMENT;

/** count, sum, min and max over a range of seconds. */
interface Totals {
  count: number;
  sum: number;
  min: number;
  max: number;
}

/** Live histograms are 9 KiB each and made every second: reused rather than collected. */
const spareLive: LiveHistogram[] = [];
const takeLive = () => spareLive.pop() ?? new LiveHistogram();

/**
 * One series. Storage grows by one Block per minute that has data (about 2 KiB, plus the
 * histograms of a Latency series) and old blocks are dropped after the retention, so a series
 * made by one stray request costs a few KiB, not a whole retention's worth of slots.
 */
class Series {
  private readonly blocks = new Map<number, Block>();
  /** Latency: histograms of the seconds not sealed yet. */
  readonly live = new Map<number, LiveHistogram>();
  /** Indexes of the blocks that still keep per-second histograms, oldest first. */
  private readonly fineBlocks: number[] = [];
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
      if (block.histograms) this.fineBlocks.push(index);
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
    if (block.histograms) {
      let live = this.live.get(second);
      if (!live) {
        live = takeLive();
        this.live.set(second, live);
      }
      live.record(value);
    }
    this.firstSecond = Math.min(this.firstSecond, second);
    this.lastSecond = Math.max(this.lastSecond, second);
  }

  /** count, sum, min and max over [from, to), walking each minute block once. */
  totals(from: number, to: number): Totals {
    const totals: Totals = { count: 0, sum: 0, min: Infinity, max: -Infinity };
    for (let blockStart = from - (from % BLOCK_SECONDS); blockStart < to; blockStart += BLOCK_SECONDS) {
      const block = this.blocks.get(blockStart / BLOCK_SECONDS);
      if (!block) continue;
      const end = Math.min(BLOCK_SECONDS, to - blockStart);
      for (let i = Math.max(0, from - blockStart); i < end; i++) {
        const count = block.count[i] as number;
        if (count === 0) continue;
        totals.count += count;
        totals.sum += block.sum[i] as number;
        if ((block.min[i] as number) < totals.min) totals.min = block.min[i] as number;
        if ((block.max[i] as number) > totals.max) totals.max = block.max[i] as number;
      }
    }
    return totals;
  }

  /** Adds the distribution of [from, to) into `into`: whole minutes and 5-second slots pre-merged. */
  addHistograms(from: number, to: number, into: HistogramAccumulator): void {
    let second = from;
    while (second < to) {
      const offset = second % BLOCK_SECONDS;
      const histograms = this.blocks.get((second - offset) / BLOCK_SECONDS)?.histograms;
      if (!histograms) {
        second += BLOCK_SECONDS - offset;
      } else if (offset === 0 && second + BLOCK_SECONDS <= to) {
        if (histograms.perMinute) into.addSparse(histograms.perMinute);
        second += BLOCK_SECONDS;
      } else if (offset % SLOT_SECONDS === 0 && second + SLOT_SECONDS <= to) {
        const slot = histograms.perSlot[offset / SLOT_SECONDS];
        if (slot) into.addSparse(slot);
        second += SLOT_SECONDS;
      } else {
        const one = histograms.perSecond?.[offset];
        if (one) into.addSparse(one);
        second += 1;
      }
    }
    for (const [liveSecond, live] of this.live) if (liveSecond >= from && liveSecond < to) into.addLive(live);
  }

  /** Folds the live histograms of seconds before `beforeSecond` into the sealed ones. */
  seal(beforeSecond: number, fineFromSecond: number): void {
    for (const [second, live] of this.live) {
      if (second >= beforeSecond) continue;
      this.block(second)?.histograms?.fold(second % BLOCK_SECONDS, live);
      live.clear();
      spareLive.push(live);
      this.live.delete(second);
    }
    while (this.fineBlocks.length > 0 && ((this.fineBlocks[0] as number) + 1) * BLOCK_SECONDS <= fineFromSecond) {
      const histograms = this.blocks.get(this.fineBlocks.shift() as number)?.histograms;
      if (histograms) histograms.perSecond = undefined;
    }
  }

  /** Bytes of typed-array storage (the counts themselves, not the objects around them). */
  get bytes(): number {
    let bytes = this.live.size * BUCKETS * Uint32Array.BYTES_PER_ELEMENT;
    for (const block of this.blocks.values()) bytes += SCALAR_BYTES + (block.histograms?.bytes ?? 0);
    return bytes;
  }

  /** Drops the blocks wholly before `second`; true when nothing is left. */
  expire(second: number): boolean {
    // Blocks are made in time order, so the expired ones are at the front: this runs every second
    // for every series and must not walk the whole retention. (A late span that makes an older
    // block out of order only delays that block's removal.)
    for (const index of this.blocks.keys()) {
      if ((index + 1) * BLOCK_SECONDS > second) break;
      this.blocks.delete(index);
    }
    if (this.blocks.size > 0) this.firstSecond = Math.max(this.firstSecond, second);
    return this.blocks.size === 0 && this.live.size === 0;
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
      series.seal(nowSecond - SEAL_AFTER_SECONDS, nowSecond - FINE_SECONDS);
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

  /** Bytes of counts held, all series together. */
  get bytes(): number {
    let bytes = 0;
    for (const series of this.series.values()) bytes += series.bytes;
    return bytes;
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
    const histogram = percentile !== undefined && metricName === 'Latency' ? new HistogramAccumulator() : undefined;
    const points: Datapoint[] = [];
    for (let periodStart = Math.floor(from / period) * period; periodStart < endSecond; periodStart += period) {
      const lo = Math.max(periodStart, from);
      const hi = Math.min(periodStart + period, endSecond);
      const { count, sum, min, max } = series.totals(lo, hi);
      if (count === 0) continue;
      let value: number | undefined;
      if (histogram && percentile !== undefined) {
        histogram.reset();
        series.addHistograms(lo, hi, histogram);
        // Undefined only past FINE_SECONDS for a period the slots cannot tile (see LIMITATIONS).
        value = histogram.percentile(percentile, min, max);
      } else if (percentile !== undefined) {
        // Fault and Error hold 0/1 per request: a percentile is 1 when more than (100-p)% failed.
        value = sum / count > 1 - percentile / 100 ? 1 : 0;
      } else {
        value = { Average: sum / count, Sum: sum, SampleCount: count, Minimum: min, Maximum: max }[statistic as 'Sum'];
      }
      if (value !== undefined) points.push({ timestamp: periodStart, value });
    }
    return points;
  }
}

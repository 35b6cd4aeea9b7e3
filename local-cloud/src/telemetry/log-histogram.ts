/**
 * Latency distributions as counts in logarithmic buckets, mergeable by adding counts (a
 * DDSketch-like layout with a fixed bucket set). Each bucket spans a factor of GAMMA = 1.02, and a
 * percentile is read as the geometric middle of its bucket, so it is within 1 % of the exact
 * (nearest-rank) value: HDR's meaning of "2 significant digits". Values are milliseconds.
 *
 * Two shapes: a `LiveHistogram` (dense counts, for a second still receiving spans) and a sealed
 * `SparseHistogram` (only the non-empty buckets, as [index, count] pairs in one Uint32Array), which
 * is what the store keeps per second, per 5 seconds and per minute.
 */

const GAMMA = 1.02;
const LN_GAMMA = Math.log(GAMMA);
/** 1 microsecond: below it every value shares bucket 0. */
const MIN_MS = 0.001;
/** 1 hour: above it every value shares the last bucket (Minimum/Maximum stay exact anyway). */
const MAX_MS = 3_600_000;
export const BUCKETS = Math.ceil(Math.log(MAX_MS / MIN_MS) / LN_GAMMA) + 1;

/** The bucket of a value in milliseconds. */
export function bucketOf(valueMs: number): number {
  if (!(valueMs > MIN_MS)) return 0;
  return Math.min(BUCKETS - 1, Math.floor(Math.log(valueMs / MIN_MS) / LN_GAMMA));
}

/** The value a bucket stands for: the geometric middle of its range. */
export function valueOf(bucket: number): number {
  return MIN_MS * Math.pow(GAMMA, bucket + 0.5);
}

/** [bucket, count, bucket, count, ...], buckets ascending. */
export type SparseHistogram = Uint32Array;

/** The counts of one second that still takes spans: dense, with the range in use. */
export class LiveHistogram {
  readonly counts = new Uint32Array(BUCKETS);
  low = BUCKETS;
  high = -1;

  record(valueMs: number): void {
    const bucket = bucketOf(valueMs);
    this.counts[bucket] = (this.counts[bucket] ?? 0) + 1;
    if (bucket < this.low) this.low = bucket;
    if (bucket > this.high) this.high = bucket;
  }

  clear(): void {
    if (!this.empty) this.counts.fill(0, this.low, this.high + 1);
    this.low = BUCKETS;
    this.high = -1;
  }

  get empty(): boolean {
    return this.high < 0;
  }
}

/** `sealed` plus the live counts, as a new sparse histogram (either may be empty). */
export function mergeLive(sealed: SparseHistogram | undefined, live: LiveHistogram): SparseHistogram {
  if (live.empty) return sealed ?? new Uint32Array(0);
  let liveBuckets = 0;
  for (let b = live.low; b <= live.high; b++) if (live.counts[b]) liveBuckets++;
  const old = sealed ?? new Uint32Array(0);
  const out = new Uint32Array(old.length + liveBuckets * 2);
  let o = 0;
  let i = 0;
  let b = live.low;
  const nextLive = () => {
    while (b <= live.high && !live.counts[b]) b++;
  };
  nextLive();
  while (i < old.length || b <= live.high) {
    const oldBucket = i < old.length ? (old[i] as number) : Infinity;
    if (b <= live.high && b < oldBucket) {
      out[o++] = b;
      out[o++] = live.counts[b] as number;
      b++;
      nextLive();
    } else if (b <= live.high && b === oldBucket) {
      out[o++] = b;
      out[o++] = (old[i + 1] as number) + (live.counts[b] as number);
      i += 2;
      b++;
      nextLive();
    } else {
      out[o++] = oldBucket;
      out[o++] = old[i + 1] as number;
      i += 2;
    }
  }
  return o === out.length ? out : out.slice(0, o);
}

/**
 * Sums histograms of one period and reads percentiles from them. One accumulator serves a whole
 * query: `reset()` clears only the range that was touched.
 */
export class HistogramAccumulator {
  private readonly counts = new Float64Array(BUCKETS);
  private low = BUCKETS;
  private high = -1;
  total = 0;

  addSparse(histogram: SparseHistogram): void {
    const n = histogram.length;
    if (n === 0) return;
    for (let i = 0; i < n; i += 2) {
      const bucket = histogram[i] as number;
      const count = histogram[i + 1] as number;
      this.counts[bucket] = (this.counts[bucket] as number) + count;
      this.total += count;
    }
    const first = histogram[0] as number;
    const last = histogram[n - 2] as number;
    if (first < this.low) this.low = first;
    if (last > this.high) this.high = last;
  }

  addLive(live: LiveHistogram): void {
    if (live.empty) return;
    for (let b = live.low; b <= live.high; b++) {
      const count = live.counts[b] as number;
      this.counts[b] = (this.counts[b] as number) + count;
      this.total += count;
    }
    if (live.low < this.low) this.low = live.low;
    if (live.high > this.high) this.high = live.high;
  }

  /**
   * The nearest-rank percentile (p in (0, 100]): the value of the bucket holding the
   * ceil(p% x n)-th smallest sample, kept within the period's exact [min, max].
   */
  percentile(p: number, min: number, max: number): number | undefined {
    if (this.total === 0) return undefined;
    // p x n first: (99 / 100) x 100 is 99.00000000000001 in floating point, whose ceiling is 100.
    const rank = Math.max(1, Math.ceil((p * this.total) / 100 - 1e-9));
    let seen = 0;
    for (let b = this.low; b <= this.high; b++) {
      seen += this.counts[b] as number;
      if (seen >= rank) return Math.min(max, Math.max(min, valueOf(b)));
    }
    return max;
  }

  reset(): void {
    if (this.high >= this.low) this.counts.fill(0, this.low, this.high + 1);
    this.low = BUCKETS;
    this.high = -1;
    this.total = 0;
  }
}

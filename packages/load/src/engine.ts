import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { invalidSampleOrder, sampleOrder, type Random } from '@demo/contracts';
import { LatencyRecorder, type LatencySummary } from './latency';

/**
 * An open-model load run: requests are scheduled at a constant arrival rate whatever the server
 * does, and each one's latency is measured from when it was *due*, not from when it could be sent,
 * so a stalling server shows up in the numbers instead of silently slowing the generator
 * ("coordinated omission"). Past `maxInFlight` concurrent requests a due request is dropped and
 * counted, never queued.
 */

export interface LoadOptions {
  /** Base URL of the Order API, e.g. http://127.0.0.1:8080 */
  url: string;
  /** Defaults to /api/orders. */
  path?: string;
  /** Requests per second. */
  rate: number;
  /** Stops by itself after this long; runs until stop() without it. */
  durationSeconds?: number;
  maxInFlight: number;
  /** Share of deliberately invalid orders (0..1), to show the Error metric. */
  invalidShare?: number;
  requestTimeoutMs?: number;
  random?: Random;
  /** Builds each request body; defaults to the seed traffic generator's order mix. */
  body?: (random: Random) => unknown;
  /** Called once per second with that second's numbers, and once more at the end. */
  onSnapshot?: (snapshot: Snapshot) => void;
  /** Called for every finished request (latency from its due time). */
  onResponse?: (latencyMs: number, outcome: Outcome) => void;
}

/** An HTTP status, or what happened instead of one. */
export type Outcome = number | 'timeout' | 'failure';

export interface Counts {
  /** Requests sent (not dropped). */
  sent: number;
  ok: number;
  clientErrors: number;
  serverErrors: number;
  timeouts: number;
  /** Transport failures other than timeouts (refused, reset). */
  failures: number;
  /** Due requests not sent because maxInFlight were already in flight. */
  dropped: number;
}

/**
 * Latency over the last RECENT_SECONDS, counting every request that ended in them (timeouts and
 * failures too, at the time they took) and every request still open, at its age so far: when
 * the server stalls, these climb with the stall instead of reading zero for want of answers.
 */
export interface RecentLatency {
  seconds: number;
  p50: number;
  p99: number;
  /** Requests counted: ended in the window, plus those still open (Snapshot.inFlight). */
  count: number;
}

export interface Snapshot extends Counts {
  /** Seconds since the start, 1-based: snapshot n covers (n-1, n]. */
  second: number;
  at: string;
  inFlight: number;
  /** The cap on requests in flight; at it, due requests are skipped (counted in `dropped`). */
  maxInFlight: number;
  /** In flight at the cap now, or a due request skipped for it during this second. */
  capReached: boolean;
  /** Age of the oldest request still open, ms (0 with none open). */
  oldestOpenMs: number;
  /** Requests sent in this second. */
  achievedRate: number;
  /** Requests answered in this second (HTTP responses only). */
  latency: LatencySummary;
  recent: RecentLatency;
}

export interface Summary extends Counts {
  startedAt: string;
  endedAt: string;
  /** From the start until the last in-flight request finished. */
  durationSeconds: number;
  /** How long requests were being sent (the asked duration, or until stop()). */
  sendingSeconds: number;
  targetRate: number;
  /** Sent per second while sending. */
  achievedRate: number;
  latency: LatencySummary;
  statusCounts: Record<string, number>;
  reason: 'completed' | 'stopped';
}

/** The sliding window of Snapshot.recent. */
export const RECENT_SECONDS = 10;

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

function zeroCounts(): Counts {
  return { sent: 0, ok: 0, clientErrors: 0, serverErrors: 0, timeouts: 0, failures: 0, dropped: 0 };
}

function add(into: Counts, from: Counts): void {
  for (const key of Object.keys(into) as (keyof Counts)[]) into[key] += from[key];
}

export class LoadRun {
  readonly done: Promise<Summary>;
  private readonly pool: Pool;
  private readonly total = zeroCounts();
  private window = zeroCounts();
  private readonly totalLatency = new LatencyRecorder();
  private readonly windowLatency = new LatencyRecorder();
  /** Every request ended in each of the last RECENT_SECONDS seconds (a ring, by second). */
  private readonly recentEnded = Array.from({ length: RECENT_SECONDS }, () => new LatencyRecorder());
  /** Due times of the requests in flight, oldest first (sent in due order, so a Map keeps it). */
  private readonly open = new Map<number, number>();
  private nextRequest = 0;
  private readonly statusCounts: Record<string, number> = {};
  private readonly random: Random;
  private readonly makeBody: (random: Random) => unknown;
  private readonly startedAt = new Date();
  private readonly t0 = performance.now();
  private scheduled = 0;
  private second = 0;
  private stopping: 'completed' | 'stopped' | undefined;
  private sendingEndedAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly ticker: NodeJS.Timeout;
  private idle: (() => void) | undefined;
  private finish!: (summary: Summary) => void;

  constructor(private readonly options: LoadOptions) {
    if (!(options.rate > 0)) throw new Error('rate must be above 0');
    if (!(options.maxInFlight >= 1)) throw new Error('maxInFlight must be at least 1');
    this.random = options.random ?? Math.random;
    const invalidShare = options.invalidShare ?? 0;
    this.makeBody =
      options.body ??
      ((random) => (random() < invalidShare ? invalidSampleOrder(random) : sampleOrder(random, crypto.randomUUID())));
    this.pool = new Pool(new URL(options.url).origin, { connections: options.maxInFlight, pipelining: 1 });
    this.done = new Promise((resolve) => (this.finish = resolve));
    this.ticker = setInterval(() => this.emitSnapshot(), 1000);
    this.schedule();
  }

  /** Stops sending, lets in-flight requests finish (up to their timeout), and resolves the summary. */
  stop(): Promise<Summary> {
    this.end('stopped');
    return this.done;
  }

  private get timeoutMs(): number {
    return this.options.requestTimeoutMs ?? 30_000;
  }

  private schedule(): void {
    if (this.stopping) return;
    const intervalMs = 1000 / this.options.rate;
    const elapsed = performance.now() - this.t0;
    const endMs = this.options.durationSeconds === undefined ? Infinity : this.options.durationSeconds * 1000;
    while (this.scheduled * intervalMs <= Math.min(elapsed, endMs - intervalMs / 2)) {
      this.fire(this.t0 + this.scheduled * intervalMs);
      this.scheduled++;
    }
    if (elapsed >= endMs - intervalMs / 2) {
      this.end('completed');
      return;
    }
    const nextDue = this.t0 + this.scheduled * intervalMs;
    this.timer = setTimeout(() => this.schedule(), Math.min(Math.max(nextDue - performance.now(), 0), 10));
  }

  private fire(dueAt: number): void {
    if (this.open.size >= this.options.maxInFlight) {
      this.window.dropped++;
      return;
    }
    this.window.sent++;
    const request = this.nextRequest++;
    this.open.set(request, dueAt);
    const body = JSON.stringify(this.makeBody(this.random));
    this.pool
      .request({
        method: 'POST',
        path: this.options.path ?? '/api/orders',
        headers: { 'content-type': 'application/json', 'user-agent': 'demo-load/1.0' },
        body,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      })
      .then(async (response) => {
        await response.body.dump();
        this.settle(request, dueAt, response.statusCode);
      })
      .catch((error: unknown) => {
        const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
        this.settle(request, dueAt, TIMEOUT_CODES.has(code) ? 'timeout' : 'failure');
      });
  }

  private settle(request: number, dueAt: number, outcome: Outcome): void {
    this.open.delete(request);
    const latencyMs = performance.now() - dueAt;
    this.options.onResponse?.(latencyMs, outcome);
    this.recentEnded[this.second % RECENT_SECONDS]?.record(latencyMs);
    if (outcome === 'timeout') this.window.timeouts++;
    else if (outcome === 'failure') this.window.failures++;
    else {
      this.statusCounts[outcome] = (this.statusCounts[outcome] ?? 0) + 1;
      if (outcome >= 500) this.window.serverErrors++;
      else if (outcome >= 400) this.window.clientErrors++;
      else this.window.ok++;
      this.windowLatency.record(latencyMs);
      this.totalLatency.record(latencyMs);
    }
    if (this.open.size === 0) this.idle?.();
  }

  private emitSnapshot(): void {
    this.second++;
    const counts = this.window;
    this.window = zeroCounts();
    add(this.total, counts);
    const now = performance.now();
    const oldestDue = this.open.values().next();
    const snapshot: Snapshot = {
      ...counts,
      second: this.second,
      at: new Date().toISOString(),
      inFlight: this.open.size,
      maxInFlight: this.options.maxInFlight,
      capReached: this.open.size >= this.options.maxInFlight || counts.dropped > 0,
      oldestOpenMs: oldestDue.done ? 0 : Math.round(now - oldestDue.value),
      achievedRate: counts.sent,
      latency: this.windowLatency.summary(),
      recent: this.recentLatency(now),
    };
    this.windowLatency.reset();
    // The slot the next second writes into held the second that now leaves the window.
    this.recentEnded[this.second % RECENT_SECONDS]?.reset();
    this.options.onSnapshot?.(snapshot);
  }

  private recentLatency(now: number): RecentLatency {
    const window = new LatencyRecorder();
    for (const ended of this.recentEnded) window.add(ended);
    for (const dueAt of this.open.values()) window.record(now - dueAt);
    const { p50, p99, count } = window.summary();
    window.destroy();
    return { seconds: RECENT_SECONDS, p50, p99, count };
  }

  private end(reason: 'completed' | 'stopped'): void {
    if (this.stopping) return;
    this.stopping = reason;
    this.sendingEndedAt = performance.now();
    clearTimeout(this.timer);
    void this.drain(reason);
  }

  private async drain(reason: 'completed' | 'stopped'): Promise<void> {
    if (this.open.size > 0) {
      await Promise.race([
        new Promise<void>((resolve) => (this.idle = resolve)),
        new Promise((resolve) => setTimeout(resolve, this.timeoutMs + 1000)),
      ]);
    }
    clearInterval(this.ticker);
    this.emitSnapshot();
    const endedAt = new Date();
    const durationSeconds = (performance.now() - this.t0) / 1000;
    const sendingSeconds = (this.sendingEndedAt - this.t0) / 1000;
    const summary: Summary = {
      ...this.total,
      startedAt: this.startedAt.toISOString(),
      endedAt: endedAt.toISOString(),
      durationSeconds: Math.round(durationSeconds * 1000) / 1000,
      sendingSeconds: Math.round(sendingSeconds * 1000) / 1000,
      targetRate: this.options.rate,
      achievedRate: Math.round((this.total.sent / Math.max(sendingSeconds, 0.001)) * 10) / 10,
      latency: this.totalLatency.summary(),
      statusCounts: { ...this.statusCounts },
      reason,
    };
    this.totalLatency.destroy();
    this.windowLatency.destroy();
    for (const ended of this.recentEnded) ended.destroy();
    await this.pool.close();
    this.finish(summary);
  }
}

/** Starts a run; await `run.done` for the summary or call `run.stop()`. */
export function startLoad(options: LoadOptions): LoadRun {
  return new LoadRun(options);
}

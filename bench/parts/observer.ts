import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { startLoad } from '@demo/load';
import { CHROMIUM_LAUNCH } from '../../e2e/chromium';
import { chartTopic, FIXED_TOPICS } from '../../console/src/shared/live';
import { findLocalCloudPid, startDemo, type Demo } from '../lib/demo';
import type { Part } from '../lib/part';
import { cpuSeconds } from '../lib/processes';
import { figure } from '../lib/report';
import { median, percentile, repeat, round } from '../lib/stats';

/** The order path's rate while people watch. */
const RATE = 200;
/** History before measuring: what a talk has behind it after 3 hours. */
const HISTORY_SECONDS = 3 * 3600;
/** Synthetic orders per second of that history (the query cost does not depend on it; see below). */
const HISTORY_RATE = 10;

/**
 * Calls are counted over a whole number of these: the least common multiple of the console's
 * collector cadences under local-cloud (5, 10, 15 and 30 s, console/src/server/live/hub.ts), so
 * every collector reads a fixed number of times in the window whatever its phase; a shorter window
 * would hold one read of the 30 s collector or none, at random.
 */
const COLLECTOR_CYCLE_MS = 30_000;

/** Every topic a cockpit tab follows (console/src/ui), as a stream client asks for them. */
const COCKPIT_TOPICS = [
  ...FIXED_TOPICS,
  chartTopic({ service: 'ts-order-api', operation: 'POST /api/orders', range: '15m' }),
];

type Viewers = { kind: 'none' } | { kind: 'tabs'; count: number } | { kind: 'streams'; count: number };
const label = (v: Viewers) =>
  v.kind === 'none'
    ? '0 viewers'
    : `${v.count} ${v.kind === 'tabs' ? 'Chromium tab' : 'stream client'}${v.count === 1 ? '' : 's'}`;
const VIEWERS: Viewers[] = [
  { kind: 'none' },
  { kind: 'tabs', count: 1 },
  { kind: 'tabs', count: 3 },
  { kind: 'streams', count: 1 },
  { kind: 'streams', count: 10 },
];

const hex = (bytes: number) =>
  Array.from({ length: bytes }, () =>
    Math.floor(Math.random() * 256)
      .toString(16)
      .padStart(2, '0'),
  ).join('');
const attr = (key: string, value: string | number) =>
  typeof value === 'number' ? { key, value: { intValue: value } } : { key, value: { stringValue: value } };

/**
 * 3 hours of history in local-cloud's metric store before the measurement: server spans of both
 * services with old timestamps, sent to its OTLP receiver as the services send theirs. HISTORY_RATE
 * orders a second rather than 200: a period's histogram holds one count per distinct latency bucket,
 * so a query's cost depends on the window and the period, not on how many requests filled it.
 */
async function prefillHistory(otlpUrl: string, log: (m: string) => void): Promise<void> {
  const end = Date.now() - 60_000;
  const start = end - HISTORY_SECONDS * 1000;
  const batchSeconds = 300;
  for (let from = start; from < end; from += batchSeconds * 1000) {
    const order: unknown[] = [];
    const delivery: unknown[] = [];
    for (let t = from; t < Math.min(end, from + batchSeconds * 1000); t += 1000 / HISTORY_RATE) {
      const ms = 5 + Math.random() * 45 + (Math.random() < 0.01 ? 1500 : 0);
      const status = Math.random() < 0.005 ? 500 : 200;
      const traceId = hex(16);
      const span = (name: string, route: string, took: number) => ({
        traceId,
        spanId: hex(8),
        name,
        kind: 2,
        startTimeUnixNano: `${Math.round(t * 1e6)}`,
        endTimeUnixNano: `${Math.round((t + took) * 1e6)}`,
        attributes: [
          attr('http.request.method', 'POST'),
          attr('http.route', route),
          attr('http.response.status_code', status),
        ],
        status: { code: status >= 500 ? 2 : 0 },
      });
      order.push(span('POST /api/orders', '/api/orders', ms));
      delivery.push(span('POST /api/delivery', '/api/delivery', ms * 0.8));
    }
    const resource = (service: string, spans: unknown[]) => ({
      resource: { attributes: [attr('service.name', service)] },
      scopeSpans: [{ spans }],
    });
    const response = await fetch(`${otlpUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ resourceSpans: [resource('ts-order-api', order), resource('ts-delivery-api', delivery)] }),
    });
    if (!response.ok) throw new Error(`history: OTLP answered ${response.status} ${await response.text()}`);
  }
  log(`history: ${HISTORY_SECONDS / 3600} h of ${HISTORY_RATE} orders/s on both services, with old timestamps`);
}

/** `count` clients of the console's live stream: how old each pushed value was on arrival (ms). */
function streamClients(consoleUrl: string, count: number): { ages: number[]; stop: () => Promise<void> } {
  const ages: number[] = [];
  const controller = new AbortController();
  const url = `${consoleUrl}/api/live?${new URLSearchParams({ topics: COCKPIT_TOPICS.join(',') }).toString()}`;
  const clients = Array.from({ length: count }, async () => {
    const response = await fetch(url, { signal: controller.signal });
    if (!response.ok || !response.body) throw new Error(`live stream: HTTP ${response.status}`);
    const decoder = new TextDecoder();
    let text = '';
    const seen = new Set<string>();
    try {
      for await (const chunk of response.body) {
        text += decoder.decode(chunk as Uint8Array, { stream: true });
        const events = text.split('\n\n');
        text = events.pop() ?? '';
        for (const event of events) {
          if (!event.startsWith('data: ')) continue;
          const message = JSON.parse(event.slice(6)) as { topic: string; readAt: number | null };
          // The first message of each topic is its current value, read before this client came.
          if (seen.has(message.topic) && message.readAt !== null) ages.push(Date.now() - message.readAt);
          seen.add(message.topic);
        }
      }
    } catch (error) {
      if (!controller.signal.aborted) throw error;
    }
  });
  return {
    ages,
    stop: async () => {
      controller.abort();
      await Promise.allSettled(clients);
    },
  };
}

async function apiRequests(otlpUrl: string): Promise<{ aws: number; kube: number }> {
  const status = (await (await fetch(`${otlpUrl}/api/status`)).json()) as {
    apiRequestsServed: { aws: number; kube: number };
  };
  return status.apiRequestsServed;
}

/**
 * The console under `npm run demo`: local-cloud's child in a process group of its own (`next start`,
 * whose process renames itself), the one that is neither a workload (`dist/server.js`) nor MySQL.
 */
async function findConsolePid(localCloudPid: number): Promise<number> {
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // A zombie (mariadb-install-db, done and not yet reaped) has no command line and no future.
      if (Number(ppid) !== localCloudPid || state === 'Z') continue;
      const cmdline = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).split('\0');
      if (!cmdline[0] || cmdline.some((arg) => arg.endsWith('dist/server.js') || /mysql|mariadb/.test(arg))) continue;
      return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  throw new Error('the console process was not found under local-cloud');
}

/** CPU seconds of every Chromium process (the browser and its renderers), from /proc. */
async function chromiumCpuSeconds(): Promise<number> {
  let total = 0;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.startsWith('/usr/lib/chromium/') || cmdline.startsWith('/usr/bin/chromium'))
        total += cpuSeconds(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

interface Phase {
  viewers: string;
  p50: number;
  p99: number;
  achievedRate: number;
  failed: number;
  localCloudCpu: number;
  consoleCpu: number;
  /** The tabs' own CPU: on 2 cores it competes with the order path. */
  chromiumCpu: number;
  awsPerMinute: number;
  kubePerMinute: number;
  dataAgeP99?: number;
}

async function measurePhase(
  demo: Demo,
  browser: Browser,
  viewers: Viewers,
  seconds: number,
  pids: { localCloud: number; console: number },
): Promise<Phase> {
  const pages =
    viewers.kind === 'tabs' ? await Promise.all(Array.from({ length: viewers.count }, () => browser.newPage())) : [];
  for (const page of pages) await page.goto(demo.consoleUrl);
  const streams = viewers.kind === 'streams' ? streamClients(demo.consoleUrl, viewers.count) : undefined;
  // Viewers settle (first loads, the stream opening) before the clock starts.
  await new Promise((resolve) => setTimeout(resolve, 5000));
  const before = {
    calls: await apiRequests(demo.otlpUrl),
    lc: cpuSeconds(pids.localCloud),
    co: cpuSeconds(pids.console),
    ch: await chromiumCpuSeconds(),
  };
  const agesFrom = streams?.ages.length ?? 0;
  const t0 = performance.now();
  const callsWindowMs = Math.ceil(seconds / (COLLECTOR_CYCLE_MS / 1000)) * COLLECTOR_CYCLE_MS;
  const counted = new Promise<{ calls: { aws: number; kube: number }; ms: number }>((resolve, reject) => {
    setTimeout(() => {
      const ms = performance.now() - t0;
      apiRequests(demo.otlpUrl).then((calls) => resolve({ calls, ms }), reject);
    }, callsWindowMs);
  });
  const summary = await startLoad({ url: demo.orderApiUrl, rate: RATE, durationSeconds: seconds, maxInFlight: 400 })
    .done;
  const { calls, ms } = await counted;
  const perMinute = (n: number) => round((n * 60_000) / ms, 0);
  const phase: Phase = {
    viewers: label(viewers),
    p50: summary.latency.p50,
    p99: summary.latency.p99,
    achievedRate: summary.achievedRate,
    failed: summary.sent - summary.ok,
    localCloudCpu: round(cpuSeconds(pids.localCloud) - before.lc, 2),
    consoleCpu: round(cpuSeconds(pids.console) - before.co, 2),
    chromiumCpu: round((await chromiumCpuSeconds()) - before.ch, 2),
    awsPerMinute: perMinute(calls.aws - before.calls.aws),
    kubePerMinute: perMinute(calls.kube - before.calls.kube),
    ...(streams ? { dataAgeP99: percentile(streams.ages.slice(agesFrom), 99) } : {}),
  };
  await streams?.stop();
  await Promise.all(pages.map((page) => page.close()));
  return phase;
}

export const observer: Part = {
  name: 'observer',
  title: `Watching is free: the order path at ${RATE} orders/s with 0, 1 and 3 cockpit tabs and 10 stream clients, after 3 h of history`,
  async run({ config, workDir, log }) {
    const demo = await startDemo({ path: config.PATH, home: config.HOME, logFile: path.join(workDir, 'demo.log') });
    const browser = await chromium.launch(CHROMIUM_LAUNCH);

    try {
      const localCloud = await findLocalCloudPid(demo.child.pid!);
      const pids = {
        localCloud,
        console: await findConsolePid(localCloud),
      };
      log(`local-cloud pid ${pids.localCloud}, console pid ${pids.console}`);
      await prefillHistory(demo.otlpUrl, log);
      const phases: Phase[][] = [];
      await repeat(config.BENCH_RUNS, async (run) => {
        const results: Phase[] = [];
        // Interleaved, so a slow moment of the machine hits every viewer count alike.
        for (const viewers of VIEWERS) {
          const phase = await measurePhase(demo, browser, viewers, config.BENCH_DURATION, pids);
          log(
            `${run === 0 ? 'warm-up' : `run ${run}`}, ${phase.viewers}: p50 ${phase.p50.toFixed(1)} ms, p99 ${phase.p99.toFixed(1)} ms, ${phase.achievedRate.toFixed(0)}/s, local-cloud ${phase.localCloudCpu} CPU-s, console ${phase.consoleCpu} CPU-s, Chromium ${phase.chromiumCpu} CPU-s, ${phase.awsPerMinute} AWS + ${phase.kubePerMinute} kube calls/min${phase.dataAgeP99 === undefined ? '' : `, data age p99 ${phase.dataAgeP99.toFixed(0)} ms`}`,
          );
          results.push(phase);
        }
        if (run > 0) phases.push(results);
      });
      const of = (viewers: Viewers) => phases.map((run) => run.find((p) => p.viewers === label(viewers))!);
      const none = of(VIEWERS[0]!);
      const noneP99 = median(none.map((p) => p.p99));
      const oneTab = of(VIEWERS[1]!);
      const threeTabs = of(VIEWERS[2]!);
      const oneStream = of(VIEWERS[3]!);
      const tenStreams = of(VIEWERS[4]!);
      const perViewer = (name: string, unit: string, pick: (runs: Phase[]) => { values: number[]; note: string }) =>
        VIEWERS.map((viewers) => {
          const { values, note } = pick(of(viewers));
          return figure(`${name}, ${label(viewers)}`, values, unit, { note });
        });
      const callsOf = (runs: Phase[]) => median(runs.map((p) => p.awsPerMinute + p.kubePerMinute));
      // The same topics for 1 and for 10 clients of the same kind: what each extra viewer costs.
      const perExtraViewer = (callsOf(tenStreams) - callsOf(oneStream)) / 9;
      return {
        figures: [
          figure(
            `order p99, 0 viewers`,
            none.map((p) => p.p99),
            'ms',
            { note: `p50 ${median(none.map((p) => p.p50)).toFixed(1)} ms` },
          ),
          figure(
            `order p99, 1 Chromium tab`,
            oneTab.map((p) => p.p99),
            'ms',
            {
              reference: { name: 'no viewer', value: noneP99, unit: 'ms' },
              note: `p50 ${median(oneTab.map((p) => p.p50)).toFixed(1)} ms`,
            },
          ),
          figure(
            `order p99, 3 Chromium tabs`,
            threeTabs.map((p) => p.p99),
            'ms',
            {
              reference: { name: 'no viewer', value: noneP99, unit: 'ms' },
              target: { text: '<= 1.3 x no viewer', check: (_v, ratio) => ratio <= 1.3 },
              note: `p50 ${median(threeTabs.map((p) => p.p50)).toFixed(1)} ms`,
            },
          ),
          figure(
            `order p99, 10 stream clients`,
            tenStreams.map((p) => p.p99),
            'ms',
            {
              reference: { name: 'no viewer', value: noneP99, unit: 'ms' },
              target: { text: '<= 1.1 x no viewer', check: (_v, ratio) => ratio <= 1.1 },
              note: `p50 ${median(tenStreams.map((p) => p.p50)).toFixed(1)} ms`,
            },
          ),
          figure(
            'cockpit data p99 age on arrival (10 stream clients)',
            tenStreams.map((p) => p.dataAgeP99 ?? NaN),
            'ms',
            {
              target: { text: '<= 300 ms', check: (v) => v <= 300 },
              note: 'from the collector reading its source to a client receiving it',
            },
          ),
          ...perViewer('local-cloud CPU', 'CPU-s', (runs) => ({
            values: runs.map((p) => p.localCloudCpu),
            note: `per ${config.BENCH_DURATION} s; console ${median(runs.map((p) => p.consoleCpu))} CPU-s, Chromium ${median(runs.map((p) => p.chromiumCpu))} CPU-s`,
          })),
          ...perViewer('AWS + Kubernetes calls a minute', '', (runs) => ({
            values: runs.map((p) => p.awsPerMinute + p.kubePerMinute),
            note: `AWS ${median(runs.map((p) => p.awsPerMinute))}, Kubernetes ${median(runs.map((p) => p.kubePerMinute))}; local cadences`,
          })),
          figure('extra calls a minute per extra viewer (1 -> 10 stream clients)', [perExtraViewer], '', {
            target: { text: '0 (within one read)', check: (v) => Math.abs(v) <= 1 },
          }),
        ],
        raw: { phases, history: { seconds: HISTORY_SECONDS, ordersPerSecond: HISTORY_RATE } },
      };
    } finally {
      await browser.close();
      await demo.stop();
    }
  },
};

import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { appNames } from '@demo/contracts';
import { startDemo } from '../lib/demo';
import type { Part } from '../lib/part';
import { figure } from '../lib/report';
import { median, percentile, repeat, round } from '../lib/stats';

const BURST = { rate: 200, maxInFlight: 200 };
/** Browser tabs on the cockpit: a presenter's and a few colleagues'. */
const TABS = 4;

/** What the cockpit polls and how often (console/src/ui/api.ts), as [path, seconds]. */
function cockpitPolls(): [string, number][] {
  const names = appNames('ts');
  const to = Date.now();
  const from = to - 15 * 60_000;
  const chart = (service: string) => `/api/signals/chart?service=${service}&from=${from}&to=${to}`;
  return [
    ['/api/status', 5],
    ['/api/orders?limit=10', 5],
    ['/api/audit?limit=50', 5],
    ['/api/traffic', 5],
    ['/api/fault?delay=10', 5],
    [chart(names.orderApi), 5],
    [chart(names.deliveryApi), 5],
    ['/api/bursts', 10],
    ['/api/signals/map', 10],
    ['/api/slos', 15],
    ['/api/signals/discovery', 30],
  ];
}

interface Polled {
  /** Every answer's latency in ms, and per route (path without its query). */
  latencies: number[];
  byRoute: Record<string, number[]>;
  errors: number;
}

/** `TABS` cockpits polling at their own cadence (random phase) for `seconds`. */
async function pollLikeTabs(consoleUrl: string, seconds: number): Promise<Polled> {
  const polled: Polled = { latencies: [], byRoute: {}, errors: 0 };
  const end = performance.now() + seconds * 1000;
  const poll = async (path: string, everySeconds: number) => {
    await sleep(Math.random() * everySeconds * 1000);
    while (performance.now() < end) {
      const t = performance.now();
      const response = await fetch(`${consoleUrl}${path}`);
      await response.arrayBuffer();
      const ms = performance.now() - t;
      if (response.status !== 200) polled.errors++;
      else {
        polled.latencies.push(ms);
        (polled.byRoute[path.split('?')[0]!] ??= []).push(ms);
      }
      await sleep(Math.max(0, everySeconds * 1000 - ms));
    }
  };
  await Promise.all(
    Array.from({ length: TABS }, () => cockpitPolls().map(([path, every]) => poll(path, every))).flat(),
  );
  return polled;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The cockpit page's own scripts (every <script src> the HTML names), each gzipped as served. */
async function cockpitScripts(consoleUrl: string): Promise<{ src: string; bytes: number; gzipped: number }[]> {
  const html = await (await fetch(consoleUrl)).text();
  const sources = [...html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)].map((m) => m[1]!);
  if (sources.length === 0) throw new Error('The cockpit page names no scripts: is this the console?');
  return Promise.all(
    [...new Set(sources)].map(async (src) => {
      const body = Buffer.from(await (await fetch(new URL(src, consoleUrl))).arrayBuffer());
      return { src, bytes: body.length, gzipped: gzipSync(body).length };
    }),
  );
}

export const consoleWeight: Part = {
  name: 'console-weight',
  title: 'Console weight: cockpit JavaScript, and its API routes during a burst',
  async run({ config, workDir, log }) {
    const demo = await startDemo({ path: config.PATH, home: config.HOME, logFile: path.join(workDir, 'demo.log') });
    try {
      const scripts = await cockpitScripts(demo.consoleUrl);
      const gzippedKiB = scripts.reduce((n, s) => n + s.gzipped, 0) / 1024;
      log(`cockpit first-load JavaScript: ${scripts.length} scripts, ${gzippedKiB.toFixed(1)} KiB gzipped`);

      const seconds = config.BENCH_DURATION;
      const idle: number[] = [];
      const burst: number[] = [];
      let errors = 0;
      const routes: Record<string, { idle: number[]; burst: number[] }> = {};
      await repeat(config.BENCH_RUNS, async (run) => {
        log(
          `console API ${run === 0 ? '(warm-up)' : `run ${run}`}: ${seconds} s idle, then ${seconds} s of a ${BURST.rate} rps burst`,
        );
        const quiet = await pollLikeTabs(demo.consoleUrl, seconds);
        const started = await fetch(`${demo.consoleUrl}/api/bursts`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ ...BURST, durationSeconds: seconds, invalidShare: 0 }),
        });
        if (started.status !== 201) throw new Error(`burst: HTTP ${started.status} ${await started.text()}`);
        const busy = await pollLikeTabs(demo.consoleUrl, seconds);
        await waitForBurst(demo.consoleUrl, ((await started.json()) as { id: string }).id);
        if (run === 0) return;
        idle.push(percentile(quiet.latencies, 99));
        burst.push(percentile(busy.latencies, 99));
        errors += quiet.errors + busy.errors;
        for (const [route, ms] of Object.entries(busy.byRoute))
          (routes[route] ??= { idle: [], burst: [] }).burst.push(...ms);
        for (const [route, ms] of Object.entries(quiet.byRoute))
          (routes[route] ??= { idle: [], burst: [] }).idle.push(...ms);
      });
      const perRoute = Object.fromEntries(
        Object.entries(routes).map(([route, ms]) => [
          route,
          {
            idleP50: round(percentile(ms.idle, 50), 1),
            idleP99: round(percentile(ms.idle, 99), 1),
            burstP50: round(percentile(ms.burst, 50), 1),
            burstP99: round(percentile(ms.burst, 99), 1),
          },
        ]),
      );
      return {
        figures: [
          figure('cockpit first-load JavaScript, gzipped', [gzippedKiB], 'KiB', {
            target: { text: '<= 250 KB', check: (v) => v * 1024 <= 250_000 },
            note: `${scripts.length} scripts`,
          }),
          figure(`console API p99 during a ${BURST.rate} rps burst, ${TABS} cockpit tabs polling`, burst, 'ms', {
            reference: { name: 'same routes, no burst', value: median(idle), unit: 'ms' },
          }),
          figure('console API answers other than 200', [errors], '', { target: { text: '0', check: (v) => v === 0 } }),
        ],
        raw: { scripts, idleP99: idle, burstP99: burst, errors, perRoute },
      };
    } finally {
      await demo.stop();
    }
  },
};

async function waitForBurst(consoleUrl: string, id: string): Promise<void> {
  for (;;) {
    const burst = (await (await fetch(`${consoleUrl}/api/bursts/${id}`)).json()) as { status: string };
    if (burst.status !== 'running') return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

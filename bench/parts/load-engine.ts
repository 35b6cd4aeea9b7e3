import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { sampleOrder } from '@demo/contracts';
import { startLoad, type Summary } from '@demo/load';
import { cannon, type CannonResult } from '../lib/autocannon';
import type { Part } from '../lib/part';
import { REPO_ROOT, startService, type Service } from '../lib/processes';
import { figure } from '../lib/report';
import { median, repeat } from '../lib/stats';

/** Connections (autocannon) and requests in flight (the engine) of the maximum-rate comparison. */
const CONNECTIONS = 50;
const FIXED_RATES = [200, 1000, 3000] as const;
/**
 * The latency comparison: a fixed rate well below either tool's ceiling, against a server that
 * answers after a fixed 20 ms that costs no CPU. On the instant server latencies are around 1 ms,
 * where autocannon's whole-millisecond histogram and its per-second bursts decide the ratio.
 */
const LATENCY_RATE = 1000;
const SERVICE_TIME_MS = 20;
/**
 * autocannon paces a rate per connection per second, sending each second's quota back to back.
 * 25 connections x 40 requests x ~21 ms fill ~0.85 s of every second: close to an even stream.
 * With 50 connections it sends everything in the first half second, and its own queueing shows.
 */
const LATENCY_CONNECTIONS = 25;

/** The engine's default body, built per request by autocannon too, so both do the same work. */
const orderBody = () => JSON.stringify(sampleOrder(Math.random, randomUUID()));

interface EngineRun {
  /** 2xx answers per second of sending. */
  okRate: number;
  summary: Summary;
}

export const loadEngine: Part = {
  name: 'load-engine',
  title: 'Load engine (packages/load) against autocannon, on a bare Node HTTP server',
  async run({ config, workDir, log }) {
    const servers: Service[] = [];
    const bare = (delayMs: number) =>
      startService({
        script: path.join(REPO_ROOT, 'bench/servers/bare-http.mjs'),
        path: config.PATH,
        env: { DELAY_MS: String(delayMs) },
        readyPath: '/',
        logFile: path.join(workDir, `bare-http-${delayMs}.log`),
      }).then((service) => (servers.push(service), service));
    const seconds = (run: number) => (run === 0 ? Math.min(5, config.BENCH_DURATION) : config.BENCH_DURATION);
    const engine = async (url: string, rate: number, maxInFlight: number, durationSeconds: number) => {
      const summary = await startLoad({ url, rate, maxInFlight, durationSeconds }).done;
      return { okRate: summary.ok / summary.sendingSeconds, summary } satisfies EngineRun;
    };
    try {
      const instant = await bare(0);
      const slow = await bare(SERVICE_TIME_MS);

      log(`maximum rate, ${CONNECTIONS} connections: autocannon`);
      const autocannonMax = await repeat(config.BENCH_RUNS, (run) =>
        cannon({
          url: `${instant.url}/api/orders`,
          connections: CONNECTIONS,
          durationSeconds: seconds(run),
          body: orderBody,
        }),
      );
      // Asked for half again autocannon's best, the engine sends as fast as it can: what it completes
      // is its ceiling (requests due while 50 are in flight are dropped, and not counted).
      const ask = Math.round(Math.max(...autocannonMax.map((r) => r.rps)) * 1.5);
      log(`maximum rate, ${CONNECTIONS} in flight: the engine asked for ${ask} rps`);
      const engineMax = await repeat(config.BENCH_RUNS, (run) => engine(instant.url, ask, CONNECTIONS, seconds(run)));

      const fixed: Record<number, EngineRun[]> = {};
      for (const rate of FIXED_RATES) {
        log(`rate accuracy at ${rate} rps`);
        fixed[rate] = await repeat(config.BENCH_RUNS, (run) => engine(instant.url, rate, 200, seconds(run)));
      }

      log(`latency at ${LATENCY_RATE} rps, ${SERVICE_TIME_MS} ms service time: autocannon and the engine, interleaved`);
      const latency = await repeat(config.BENCH_RUNS, async (run) => ({
        autocannon: await cannon({
          url: `${slow.url}/api/orders`,
          connections: LATENCY_CONNECTIONS,
          durationSeconds: seconds(run),
          overallRate: LATENCY_RATE,
          body: orderBody,
        }),
        engine: await engine(slow.url, LATENCY_RATE, CONNECTIONS, seconds(run)),
      }));
      const latencyOf = (pick: (r: { autocannon: CannonResult; engine: EngineRun }) => number) =>
        median(latency.map(pick));

      return {
        figures: [
          figure(
            `maximum sustained rate, ${CONNECTIONS} in flight`,
            engineMax.map((r) => r.okRate),
            'req/s',
            {
              reference: {
                name: `autocannon, ${CONNECTIONS} connections`,
                value: median(autocannonMax.map((r) => r.rps)),
                unit: 'req/s',
              },
              target: { text: '>= 90 % of autocannon', check: (_, ratio) => ratio >= 0.9 },
            },
          ),
          ...FIXED_RATES.map((rate) =>
            figure(
              `achieved rate at ${rate.toLocaleString('en-US')} rps`,
              fixed[rate]!.map((r) => r.okRate),
              'req/s',
              {
                reference: { name: 'target', value: rate, unit: 'req/s' },
                target: { text: 'within 2 %', check: (_, ratio) => Math.abs(ratio - 1) <= 0.02 },
              },
            ),
          ),
          ...(['p50', 'p99'] as const).map((p) =>
            figure(
              `${p} at ${LATENCY_RATE.toLocaleString('en-US')} rps (${SERVICE_TIME_MS} ms server)`,
              latency.map((r) => r.engine.summary.latency[p]),
              'ms',
              {
                reference: { name: 'autocannon', value: latencyOf((r) => r.autocannon[p]), unit: 'ms' },
                target: { text: 'within 10 % of autocannon', check: (_, ratio) => Math.abs(ratio - 1) <= 0.1 },
              },
            ),
          ),
        ],
        raw: { autocannonMax, engineMax, fixed, latency },
      };
    } finally {
      for (const server of servers) await server.stop();
    }
  },
};

import { LatencyRecorder, startLoad, type Counts, type Snapshot } from '@demo/load';
import { createLogger } from '@demo/service-kit';
import { loadConfig } from './config';

/**
 * Steady background orders at RATE per second against the Order API, a stats line every
 * STATS_INTERVAL seconds, and a final summary when stopped (SIGTERM or SIGINT).
 */
function main(): void {
  const config = loadConfig();
  const logger = createLogger({
    service: config.names.trafficGenerator,
    version: config.version,
    level: config.logLevel,
  });
  let interval: Counts & { seconds: number } = blank();
  const latency = new LatencyRecorder();

  function blank() {
    return { seconds: 0, sent: 0, ok: 0, clientErrors: 0, serverErrors: 0, timeouts: 0, failures: 0, dropped: 0 };
  }

  function onSnapshot(snapshot: Snapshot): void {
    interval.seconds++;
    for (const key of ['sent', 'ok', 'clientErrors', 'serverErrors', 'timeouts', 'failures', 'dropped'] as const) {
      interval[key] += snapshot[key];
    }
    if (interval.seconds < config.statsIntervalSeconds) return;
    const { p50, p95, p99, max } = latency.summary();
    logger.info(
      { ...interval, rate: Math.round((interval.sent / interval.seconds) * 10) / 10, p50, p95, p99, max },
      'traffic stats',
    );
    interval = blank();
    latency.reset();
  }

  logger.info(
    {
      target: config.orderApiUrl,
      rate: config.rate,
      invalidShare: config.invalidShare,
      maxInFlight: config.maxInFlight,
    },
    'traffic generator starting',
  );
  const run = startLoad({
    url: config.orderApiUrl,
    rate: config.rate,
    maxInFlight: config.maxInFlight,
    invalidShare: config.invalidShare,
    requestTimeoutMs: config.requestTimeoutMs,
    onSnapshot,
    onResponse: (ms) => latency.record(ms),
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'stopping: letting in-flight orders finish');
      void run.stop().then((summary) => {
        logger.info({ summary }, 'traffic generator stopped');
        process.exit(0);
      });
    });
  }
}

main();

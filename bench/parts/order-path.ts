import { createHash, randomUUID } from 'node:crypto';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { sampleOrder, formatCents, type OrderRequest } from '@demo/contracts';
import { createDatabase, dropDatabase, LOCAL_CREDENTIALS, provideMysql } from '@demo/local-cloud';
import { startLocalSsm } from '@demo/testkit';
import { cannon, type CannonResult } from '../lib/autocannon';
import type { Part, PartContext } from '../lib/part';
import { cpuSeconds, OTEL_REGISTER, REPO_ROOT, startService, tracedEnv, type Service } from '../lib/processes';
import { figure, type Figure } from '../lib/report';
import { median, percentile, repeat, round } from '../lib/stats';

const DATABASE = 'bench_orders';
/** The Delivery API's default pool: pool-size 10 + max-overflow 20 connections. */
const POOL_CONNECTIONS = 30;
const POOL_IDLE = 10;
const CONCURRENCIES = [10, 50] as const;
const INSERT =
  'INSERT INTO orders (order_id, customer_name, total_amount, shipping_address, items, content_hash, created_at) ' +
  'VALUES (?, ?, ?, ?, ?, ?, ?)';

/** The body the original's traffic generator sends (same product mix), each with its own order_id. */
const orderBody = () => JSON.stringify(sampleOrder(Math.random, randomUUID()));

interface Variant {
  name: 'plain' | 'traced';
  label: string;
}
const VARIANTS: Variant[] = [
  { name: 'plain', label: 'no instrumentation' },
  { name: 'traced', label: 'OTel auto-instrumentation, every request traced' },
];

/** Each run's figures and, for the order path, the cores each process used during it. */
type Runs = Record<string, (CannonResult & { cores?: Record<string, number> })[]>;

export const orderPath: Part = {
  name: 'order-path',
  title: 'Order path: POST /api/orders end to end (Order API -> Delivery API -> MySQL)',
  async run(context) {
    const { config, workDir, log } = context;
    const server = await provideMysql({
      ...(config.MYSQL_URL ? { mysqlUrl: config.MYSQL_URL } : {}),
      dataDir: path.join(workDir, 'mysql'),
      searchPath: config.PATH,
    });
    const ssm = await startLocalSsm();
    const started: Service[] = [];
    const start = async (...args: Parameters<typeof startService>) => {
      const service = await startService(...args);
      started.push(service);
      return service;
    };
    try {
      // A fresh database (the Delivery API's migration creates the table), TRUNCATE before every run.
      await dropDatabase(server.url, DATABASE);
      await createDatabase(server.url, DATABASE);
      const sink = await start({
        script: path.join(REPO_ROOT, 'bench/servers/otlp-sink.mjs'),
        path: config.PATH,
        readyPath: '/',
        logFile: path.join(workDir, 'otlp-sink.log'),
      });
      const bare = await start({
        script: path.join(REPO_ROOT, 'bench/servers/bare-http.mjs'),
        path: config.PATH,
        readyPath: '/',
        logFile: path.join(workDir, 'bare-http.log'),
      });

      const results: Runs = {};
      const stored: Record<string, number[]> = {};
      for (const variant of VARIANTS) {
        const { delivery, order } = await startServices(context, variant, server.endpoint, ssm.url, sink.url, start);
        if (variant.name === 'plain') {
          // The ceilings, measured in the same run while the services sit idle.
          for (const connections of CONCURRENCIES) {
            log(`raw mysql2 INSERT ceiling, ${connections} workers`);
            results[`mysql-c${connections}`] = await repeat(config.BENCH_RUNS, async (run) => {
              await truncate(server.url);
              return insertCeiling(server.endpoint, connections, durationFor(run, config.BENCH_DURATION));
            });
            log(`bare Node HTTP ceiling, c=${connections}`);
            results[`bare-c${connections}`] = await repeat(config.BENCH_RUNS, (run) =>
              cannon({
                url: `${bare.url}/api/orders`,
                connections,
                durationSeconds: durationFor(run, config.BENCH_DURATION),
                body: orderBody,
              }),
            );
          }
        }
        for (const connections of CONCURRENCIES) {
          const key = `${variant.name}-c${connections}`;
          log(`order path, ${variant.label}, c=${connections}`);
          stored[key] = [];
          results[key] = await repeat(config.BENCH_RUNS, async (run) => {
            await truncate(server.url);
            const meter = coresMeter({ orderApi: order.pid, deliveryApi: delivery.pid, mysql: server.process?.pid });
            const result = await cannon({
              url: `${order.url}/api/orders`,
              connections,
              durationSeconds: durationFor(run, config.BENCH_DURATION),
              body: orderBody,
            });
            const cores = meter();
            // Every 2xx must be a committed row. autocannon walks away from the (at most `connections`)
            // requests in flight when the time is up; those may still be stored.
            await new Promise((resolve) => setTimeout(resolve, 500));
            const rows = await countRows(server.url);
            const answered = result.total - result.failed;
            if (rows < answered || rows > answered + connections) {
              throw new Error(`${key}: ${answered} orders answered 2xx but ${rows} rows stored`);
            }
            if (run > 0) stored[key]!.push(rows);
            return { ...result, cores };
          });
        }
        await order.stop();
        await delivery.stop();
        started.splice(started.indexOf(order), 1);
        started.splice(started.indexOf(delivery), 1);
      }
      const spans = (await (await fetch(sink.url)).json()) as { requests: number; bytes: number };
      return { figures: figures(results), raw: { results, stored, otlpSink: spans, mysql: server.description } };
    } finally {
      for (const service of started.reverse()) await service.stop();
      await ssm.close();
      await server.stop();
    }
  },
};

/**
 * Where the two cores went during a run: CPU seconds per wall second of each process, and of this
 * one (autocannon shares the machine, as the load generator does).
 */
function coresMeter(pids: Record<string, number | undefined>): () => Record<string, number> {
  const known = Object.entries(pids).filter((entry): entry is [string, number] => entry[1] !== undefined);
  const before = new Map(known.map(([name, pid]) => [name, cpuSeconds(pid)]));
  const self = process.cpuUsage();
  const t0 = performance.now();
  return () => {
    const wall = (performance.now() - t0) / 1000;
    const used = process.cpuUsage(self);
    return {
      ...Object.fromEntries(known.map(([name, pid]) => [name, round((cpuSeconds(pid) - before.get(name)!) / wall, 2)])),
      loadGenerator: round((used.user + used.system) / 1e6 / wall, 2),
    };
  };
}

/** One warm-up of at most 5 s, then runs of the full duration. */
function durationFor(run: number, seconds: number): number {
  return run === 0 ? Math.min(5, seconds) : seconds;
}

async function startServices(
  context: PartContext,
  variant: Variant,
  endpoint: { host: string; port: number; user: string; password: string },
  ssmUrl: string,
  sinkUrl: string,
  start: (...args: Parameters<typeof startService>) => Promise<Service>,
): Promise<{ delivery: Service; order: Service }> {
  const { config, workDir } = context;
  const traced = variant.name === 'traced';
  const profile = (name: string) =>
    config.BENCH_CPU_PROF_DIR
      ? [
          '--cpu-prof',
          `--cpu-prof-dir=${config.BENCH_CPU_PROF_DIR}`,
          `--cpu-prof-name=${name}-${variant.name}-${Date.now()}.cpuprofile`,
        ]
      : [];
  const delivery = await start({
    script: path.join(REPO_ROOT, 'services/delivery-api/dist/server.js'),
    path: config.PATH,
    nodeArgs: [...(traced ? OTEL_REGISTER : []), ...profile('delivery-api')],
    env: {
      MYSQL_HOST: endpoint.host,
      MYSQL_PORT: String(endpoint.port),
      MYSQL_USER: endpoint.user,
      MYSQL_PASSWORD: endpoint.password,
      MYSQL_DATABASE: DATABASE,
      AWS_ENDPOINT_URL: ssmUrl,
      AWS_REGION: 'us-east-1',
      // The keys the local SSM checks signatures with.
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      ...(traced ? tracedEnv('bench-delivery-api', sinkUrl) : {}),
    },
    readyPath: '/api/delivery/ready',
    logFile: path.join(workDir, `delivery-api-${variant.name}.log`),
  });
  const order = await start({
    script: path.join(REPO_ROOT, 'services/order-api/dist/server.js'),
    path: config.PATH,
    nodeArgs: [...(traced ? OTEL_REGISTER : []), ...profile('order-api')],
    env: {
      DELIVERY_API_URL: delivery.url,
      ...(traced ? tracedEnv('bench-order-api', sinkUrl) : {}),
    },
    readyPath: '/api/orders/ready',
    logFile: path.join(workDir, `order-api-${variant.name}.log`),
  });
  return { delivery, order };
}

/**
 * The database's own ceiling for this workload: the Delivery API's INSERT with the same row shape
 * (content hash and items JSON computed per row, as the service does), on a pool of the same size,
 * `workers` callers in a closed loop, autocommit (durable: one redo-log flush per commit).
 */
async function insertCeiling(
  endpoint: { host: string; port: number; user: string; password: string },
  workers: number,
  seconds: number,
): Promise<CannonResult> {
  const pool = mysql.createPool({
    ...endpoint,
    database: DATABASE,
    connectionLimit: POOL_CONNECTIONS,
    maxIdle: POOL_IDLE,
    timezone: 'Z',
  });
  const latencies: number[] = [];
  let failed = 0;
  const started = performance.now();
  const end = started + seconds * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      const values = rowValues(sampleOrder(Math.random, randomUUID()));
      const t = performance.now();
      try {
        await pool.execute(INSERT, values);
        latencies.push(performance.now() - t);
      } catch {
        failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  const elapsed = (performance.now() - started) / 1000;
  await pool.end();
  return {
    rps: latencies.length / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    failed,
    total: latencies.length + failed,
  };
}

/** The values the Delivery API's repository writes for one order (see orders-repository.ts). */
function rowValues(order: OrderRequest): (string | Date)[] {
  const items = order.items.map((item) => ({
    product_id: item.product_id,
    quantity: item.quantity,
    price: Math.round(Number(item.price) * 100),
  }));
  const total = items.reduce((sum, item) => sum + item.price * item.quantity, 0);
  const hash = createHash('sha256')
    .update(JSON.stringify([order.customer_name, total, order.shipping_address, items]))
    .digest('hex');
  return [
    order.order_id ?? randomUUID(),
    order.customer_name,
    formatCents(total),
    order.shipping_address,
    JSON.stringify(items),
    hash,
    new Date(),
  ];
}

async function withConnection<T>(serverUrl: string, fn: (connection: mysql.Connection) => Promise<T>): Promise<T> {
  const connection = await mysql.createConnection({ uri: `${serverUrl}${DATABASE}` });
  try {
    return await fn(connection);
  } finally {
    await connection.end();
  }
}

const truncate = (serverUrl: string) => withConnection(serverUrl, (c) => c.query('TRUNCATE TABLE orders'));
const countRows = (serverUrl: string) =>
  withConnection(serverUrl, async (c) => {
    const [rows] = await c.query<mysql.RowDataPacket[]>('SELECT COUNT(*) AS n FROM orders');
    return Number(rows[0]!.n);
  });

function figures(results: Runs): Figure[] {
  const rps = (key: string) => results[key]!.map((r) => r.rps);
  const p99 = (key: string) => results[key]!.map((r) => r.p99);
  const ref = (name: string, key: string, unit = 'req/s') => ({ name, value: median(rps(key)), unit });
  const out: Figure[] = [];
  for (const c of CONCURRENCIES) {
    out.push(
      figure(`c=${c}, no instrumentation`, rps(`plain-c${c}`), 'orders/s', {
        reference: ref(`raw mysql2 INSERT, pool ${POOL_CONNECTIONS}`, `mysql-c${c}`),
        ...(c === 50 ? { target: { text: '>= 1,500 orders/s', check: (v) => v >= 1500 } } : {}),
      }),
      figure(`c=${c}, no instrumentation: share of the bare HTTP ceiling`, rps(`plain-c${c}`), 'orders/s', {
        reference: ref('bare Node HTTP server', `bare-c${c}`),
      }),
      figure(`c=${c}, no instrumentation: p99`, p99(`plain-c${c}`), 'ms', {
        reference: { name: 'raw INSERT p99', value: median(p99(`mysql-c${c}`)), unit: 'ms' },
        ...(c === 50 ? { target: { text: '<= 50 ms', check: (v) => v <= 50 } } : {}),
      }),
      figure(`c=${c}, traced`, rps(`traced-c${c}`), 'orders/s', {
        reference: ref('no instrumentation', `plain-c${c}`, 'orders/s'),
        ...(c === 50 ? { target: { text: '>= 700 orders/s', check: (v) => v >= 700 } } : {}),
      }),
      figure(`c=${c}, traced: p99`, p99(`traced-c${c}`), 'ms', {
        reference: { name: 'no instrumentation', value: median(p99(`plain-c${c}`)), unit: 'ms' },
      }),
    );
  }
  const failed = Object.entries(results).flatMap(([key, runs]) => runs.map((r) => ({ key, failed: r.failed })));
  out.push(
    figure('failed requests, all measured runs', [failed.reduce((n, f) => n + f.failed, 0)], '', {
      target: { text: '0', check: (v) => v === 0 },
    }),
  );
  return out;
}

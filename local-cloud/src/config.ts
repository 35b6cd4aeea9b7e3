import path from 'node:path';
import { z } from 'zod';
import { APP_PREFIX_PATTERN, DEFAULT_APP_PREFIX, METRIC_TIMINGS, PORTS, type MetricTiming } from '@demo/contracts';

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
const count = (fallback: number) => z.coerce.number().int().min(0).max(10).default(fallback);

/** Every listening port on "any free one": for tests and benchmarks that run beside a presenter's demo. */
export const FREE_PORTS_ENV = {
  ORDER_API_PORT: '0',
  DELIVERY_API_PORT: '0',
  LOCAL_CLOUD_AWS_PORT: '0',
  LOCAL_CLOUD_KUBE_PORT: '0',
  LOCAL_CLOUD_OTLP_PORT: '0',
  LOCAL_CLOUD_MYSQL_PORT: '0',
  CONSOLE_PORT: '0',
} as const;

const EnvSchema = z.object({
  APP_PREFIX: z.string().regex(APP_PREFIX_PATTERN).default(DEFAULT_APP_PREFIX),
  LOCAL_CLOUD_DATA_DIR: z.string().min(1).default('.demo'),
  LOCAL_CLOUD_HOST: z.string().min(1).default('127.0.0.1'),
  ORDER_API_PORT: port(PORTS.orderApi),
  DELIVERY_API_PORT: port(PORTS.deliveryApi),
  LOCAL_CLOUD_AWS_PORT: port(4566),
  LOCAL_CLOUD_KUBE_PORT: port(6550),
  LOCAL_CLOUD_OTLP_PORT: port(4318),
  LOCAL_CLOUD_MYSQL_PORT: port(3307),
  CONSOLE_PORT: port(3000),
  MYSQL_URL: z.string().optional(),
  AWS_REGION: z.string().min(1).default('us-east-1'),
  ORDER_API_REPLICAS: count(2),
  DELIVERY_API_REPLICAS: count(2),
  TRAFFIC_GENERATOR_REPLICAS: count(0),
  TRAFFIC_RATE: z.coerce.number().positive().max(5000).default(5),
  /** The Delivery API's acquire timeout (its MYSQL_POOL_TIMEOUT_MS): how fast an exhausted pool answers 503. */
  DELIVERY_POOL_TIMEOUT_MS: z.coerce.number().int().positive().max(60_000).default(5000),
  METRICS_RETENTION_HOURS: z.coerce.number().min(1).max(24).default(3),
  /** `aws`: rehearsal mode, metrics as Application Signals publishes them (`npm run demo -- --aws-timing`). */
  METRIC_TIMING: z.enum(METRIC_TIMINGS).default('fast'),
  LOCAL_CLOUD_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'silent']).default('info'),
  /** Echo every replica's log lines on local-cloud's output. */
  LOCAL_CLOUD_WORKLOAD_LOGS: z.enum(['true', 'false']).default('false'),
  PATH: z.string().default(''),
});

export interface LocalCloudConfig {
  prefix: string;
  /** The repository checkout: services run from its built dist folders. */
  repoRoot: string;
  dataDir: string;
  host: string;
  ports: {
    orderApi: number;
    deliveryApi: number;
    aws: number;
    kube: number;
    otlp: number;
    mysql: number;
    console: number;
  };
  mysqlUrl?: string;
  region: string;
  replicas: { orderApi: number; deliveryApi: number; trafficGenerator: number };
  trafficRate: number;
  deliveryPoolTimeoutMs: number;
  retentionSeconds: number;
  metricTiming: MetricTiming;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'silent';
  workloadLogs: boolean;
  searchPath: string;
  /** What replicas inherit from this machine, like a container gets from its image: PATH, HOME, locale. */
  hostEnv: Record<string, string>;
  /** CONSOLE_* settings passed on to the console (caps, auto-restore, token, host). */
  consoleEnv: Record<string, string>;
}

const INHERITED = ['PATH', 'HOME', 'LANG', 'TZ', 'TMPDIR'];

/** Reads local-cloud's environment once; ports of 0 mean "any free port" (tests use that). */
export function loadConfig(repoRoot: string, env: NodeJS.ProcessEnv = process.env): LocalCloudConfig {
  const result = EnvSchema.safeParse(env);
  if (!result.success) {
    throw new Error(
      `Invalid configuration:\n${result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`,
    );
  }
  const e = result.data;
  return {
    prefix: e.APP_PREFIX,
    repoRoot,
    dataDir: path.resolve(repoRoot, e.LOCAL_CLOUD_DATA_DIR),
    host: e.LOCAL_CLOUD_HOST,
    ports: {
      orderApi: e.ORDER_API_PORT,
      deliveryApi: e.DELIVERY_API_PORT,
      aws: e.LOCAL_CLOUD_AWS_PORT,
      kube: e.LOCAL_CLOUD_KUBE_PORT,
      otlp: e.LOCAL_CLOUD_OTLP_PORT,
      mysql: e.LOCAL_CLOUD_MYSQL_PORT,
      console: e.CONSOLE_PORT,
    },
    ...(e.MYSQL_URL ? { mysqlUrl: e.MYSQL_URL } : {}),
    region: e.AWS_REGION,
    replicas: {
      orderApi: e.ORDER_API_REPLICAS,
      deliveryApi: e.DELIVERY_API_REPLICAS,
      trafficGenerator: e.TRAFFIC_GENERATOR_REPLICAS,
    },
    trafficRate: e.TRAFFIC_RATE,
    deliveryPoolTimeoutMs: e.DELIVERY_POOL_TIMEOUT_MS,
    retentionSeconds: e.METRICS_RETENTION_HOURS * 3600,
    metricTiming: e.METRIC_TIMING,
    logLevel: e.LOCAL_CLOUD_LOG_LEVEL,
    workloadLogs: e.LOCAL_CLOUD_WORKLOAD_LOGS === 'true',
    searchPath: e.PATH,
    hostEnv: Object.fromEntries(INHERITED.flatMap((name) => (env[name] === undefined ? [] : [[name, env[name]]]))),
    consoleEnv: Object.fromEntries(
      Object.entries(env).flatMap(([name, value]) =>
        name.startsWith('CONSOLE_') && name !== 'CONSOLE_PORT' && value !== undefined ? [[name, value]] : [],
      ),
    ),
  };
}

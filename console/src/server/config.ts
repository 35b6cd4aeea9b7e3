// No 'server-only' here: proxy.ts (outside the React server bundle) reads the config too.
import path from 'node:path';
import { z } from 'zod';
import { APP_PREFIX_PATTERN, METRIC_TIMINGS, type MetricTiming } from '@demo/contracts';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

const EnvSchema = z.object({
  /** `local` (local-cloud) or `aws` (EKS + AWS APIs). */
  CONSOLE_TARGET: z.enum(['local', 'aws']).default('local'),
  /** Where the console listens; anything but loopback requires an operator token. */
  CONSOLE_HOST: z.string().min(1).default('127.0.0.1'),
  CONSOLE_PORT: z.coerce.number().int().min(1).max(65_535).default(3000),
  CONSOLE_OPERATOR_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** A second token that shows the cockpit live and changes nothing (colleagues, an audience). */
  CONSOLE_VIEWER_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Host names besides loopback and CONSOLE_HOST that may reach the console (a public name), comma-separated. */
  CONSOLE_ALLOWED_HOSTS: z.string().optional(),
  /** The origin browsers use when the console is served under a public name, e.g. https://demo.example.com. */
  CONSOLE_PUBLIC_ORIGIN: z.url().optional(),
  /** Believe X-Forwarded-For / X-Forwarded-Proto (only behind a proxy you run). */
  CONSOLE_TRUST_PROXY: z.enum(['true', 'false']).default('false'),
  /** The largest request body any route reads. */
  CONSOLE_MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(10_485_760).default(65_536),
  /** History, runs and the audit log (SQLite). */
  CONSOLE_DATA_DIR: z.string().min(1).default('../.demo/console'),
  /** local target: local-cloud's endpoints.env, read when the AWS/Kubernetes variables are not set. */
  CONSOLE_ENDPOINTS_FILE: z.string().min(1).default('../.demo/endpoints.env'),
  /** aws target: the state file the provisioning scripts write. */
  CLUSTER_CONFIG_FILE: z.string().min(1).default('../.cluster-config/cluster-resources.json'),
  APP_PREFIX: z.string().regex(APP_PREFIX_PATTERN).optional(),
  AWS_REGION: z.string().min(1).optional(),
  AWS_ENDPOINT_URL: z.url().optional(),
  /** local target: the keys local-cloud verifies signatures with (endpoints.env has them). */
  AWS_ACCESS_KEY_ID: z.string().min(1).optional(),
  AWS_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  KUBECONFIG: z.string().min(1).optional(),
  /** local target: local-cloud's OTLP receiver, which also serves recent traces. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  EKS_CLUSTER_NAME: z.string().min(1).optional(),
  /** Local target only: `aws` when local-cloud rehearses AWS's metric timing (else endpoints.env says). */
  METRIC_TIMING: z.enum(METRIC_TIMINGS).optional(),
  K8S_NAMESPACE: z.string().min(1).default('default'),
  /** Caps on what a burst may ask for. */
  CONSOLE_MAX_RATE: z.coerce.number().positive().max(20_000).default(500),
  CONSOLE_MAX_DURATION_SECONDS: z.coerce.number().int().positive().max(3600).default(300),
  CONSOLE_MAX_IN_FLIGHT: z.coerce.number().int().positive().max(10_000).default(500),
  /** Seconds after a successful Restore before the next Inject may start (0 = no cooldown). */
  CONSOLE_FAULT_COOLDOWN_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  /** Minutes after a successful inject that Restore runs by itself (0 = never). */
  CONSOLE_AUTO_RESTORE_MINUTES: z.coerce
    .number()
    .min(0)
    .max(24 * 60)
    .default(10),
  /** Longest wait for a rollout to complete before the runbook says it failed. */
  CONSOLE_ROLLOUT_TIMEOUT_SECONDS: z.coerce.number().int().positive().max(1800).default(180),
});

export interface ConsoleConfig {
  target: 'local' | 'aws';
  host: string;
  port: number;
  operatorToken?: string;
  viewerToken?: string;
  /** Host names (no port) the console answers to: loopback, the bound host, and any configured. */
  allowedHosts: string[];
  /** Origins a mutating request may come from. */
  allowedOrigins: string[];
  trustProxy: boolean;
  maxBodyBytes: number;
  dataDir: string;
  endpointsFile: string;
  clusterConfigFile: string;
  env: {
    prefix?: string;
    region?: string;
    awsEndpoint?: string;
    credentials?: { accessKeyId: string; secretAccessKey: string };
    kubeconfig?: string;
    tracesUrl?: string;
    clusterName?: string;
    namespace: string;
    metricTiming?: MetricTiming;
  };
  caps: { maxRate: number; maxDurationSeconds: number; maxInFlight: number };
  autoRestoreMinutes: number;
  faultCooldownSeconds: number;
  rolloutTimeoutSeconds: number;
}

/** Read once at start-up (see context.ts); everything else receives the result. */
export function loadConsoleConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
  cwd = process.cwd(),
): ConsoleConfig {
  const result = EnvSchema.safeParse(env);
  if (!result.success) {
    throw new Error(
      `Invalid console configuration:\n${result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`,
    );
  }
  const e = result.data;
  if (!LOOPBACK.has(e.CONSOLE_HOST) && !e.CONSOLE_OPERATOR_TOKEN) {
    throw new Error(
      `CONSOLE_HOST is ${e.CONSOLE_HOST} (not loopback): set CONSOLE_OPERATOR_TOKEN (16+ characters) so only operators can act.`,
    );
  }
  if (e.CONSOLE_VIEWER_TOKEN && !e.CONSOLE_OPERATOR_TOKEN)
    throw new Error('CONSOLE_VIEWER_TOKEN needs CONSOLE_OPERATOR_TOKEN: without it everyone is the operator.');
  if (e.CONSOLE_VIEWER_TOKEN && e.CONSOLE_VIEWER_TOKEN === e.CONSOLE_OPERATOR_TOKEN)
    throw new Error('CONSOLE_VIEWER_TOKEN must differ from CONSOLE_OPERATOR_TOKEN.');
  const publicHost = e.CONSOLE_PUBLIC_ORIGIN ? new URL(e.CONSOLE_PUBLIC_ORIGIN).hostname : undefined;
  const allowedHosts = [
    ...LOOPBACK,
    // Bound to every interface, the console has no one name of its own: list them in CONSOLE_ALLOWED_HOSTS.
    ...(['0.0.0.0', '::'].includes(e.CONSOLE_HOST) ? [] : [e.CONSOLE_HOST]),
    ...(publicHost ? [publicHost] : []),
    ...(e.CONSOLE_ALLOWED_HOSTS ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
  ].map((h) => (h.includes(':') && !h.startsWith('[') ? `[${h}]` : h));
  const allowedOrigins = [
    ...new Set([
      ...allowedHosts.flatMap((h) => [`http://${h}:${e.CONSOLE_PORT}`, `https://${h}:${e.CONSOLE_PORT}`]),
      ...(e.CONSOLE_PUBLIC_ORIGIN ? [new URL(e.CONSOLE_PUBLIC_ORIGIN).origin] : []),
    ]),
  ];
  return {
    target: e.CONSOLE_TARGET,
    host: e.CONSOLE_HOST,
    port: e.CONSOLE_PORT,
    ...(e.CONSOLE_OPERATOR_TOKEN ? { operatorToken: e.CONSOLE_OPERATOR_TOKEN } : {}),
    ...(e.CONSOLE_VIEWER_TOKEN ? { viewerToken: e.CONSOLE_VIEWER_TOKEN } : {}),
    allowedHosts: [...new Set(allowedHosts)],
    allowedOrigins,
    trustProxy: e.CONSOLE_TRUST_PROXY === 'true',
    maxBodyBytes: e.CONSOLE_MAX_BODY_BYTES,
    dataDir: path.resolve(cwd, e.CONSOLE_DATA_DIR),
    endpointsFile: path.resolve(cwd, e.CONSOLE_ENDPOINTS_FILE),
    clusterConfigFile: path.resolve(cwd, e.CLUSTER_CONFIG_FILE),
    env: {
      ...(e.APP_PREFIX ? { prefix: e.APP_PREFIX } : {}),
      ...(e.AWS_REGION ? { region: e.AWS_REGION } : {}),
      ...(e.AWS_ENDPOINT_URL ? { awsEndpoint: e.AWS_ENDPOINT_URL } : {}),
      ...(e.AWS_ACCESS_KEY_ID && e.AWS_SECRET_ACCESS_KEY
        ? { credentials: { accessKeyId: e.AWS_ACCESS_KEY_ID, secretAccessKey: e.AWS_SECRET_ACCESS_KEY } }
        : {}),
      ...(e.KUBECONFIG ? { kubeconfig: e.KUBECONFIG } : {}),
      ...(e.OTEL_EXPORTER_OTLP_ENDPOINT ? { tracesUrl: e.OTEL_EXPORTER_OTLP_ENDPOINT } : {}),
      ...(e.EKS_CLUSTER_NAME ? { clusterName: e.EKS_CLUSTER_NAME } : {}),
      ...(e.METRIC_TIMING ? { metricTiming: e.METRIC_TIMING } : {}),
      namespace: e.K8S_NAMESPACE,
    },
    caps: {
      maxRate: e.CONSOLE_MAX_RATE,
      maxDurationSeconds: e.CONSOLE_MAX_DURATION_SECONDS,
      maxInFlight: e.CONSOLE_MAX_IN_FLIGHT,
    },
    autoRestoreMinutes: e.CONSOLE_AUTO_RESTORE_MINUTES,
    faultCooldownSeconds: e.CONSOLE_FAULT_COOLDOWN_SECONDS,
    rolloutTimeoutSeconds: e.CONSOLE_ROLLOUT_TIMEOUT_SECONDS,
  };
}

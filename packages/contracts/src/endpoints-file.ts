import { z } from 'zod';
import { METRIC_TIMINGS } from './metric-timing';

/**
 * `.demo/endpoints.env`, the front door to a running local-cloud: `set -a; . .demo/endpoints.env`
 * points the aws CLI, kubectl and any SDK program at it. local-cloud writes it with
 * `formatEndpointsFile`; the console, the end-to-end setup, the demo test and the benchmarks read
 * it with `parseEndpointsFile`. One schema, so the writer and every reader agree on every key.
 */
export const ENDPOINTS_FILE_NAME = 'endpoints.env';

export const LocalEndpointsSchema = z.object({
  APP_PREFIX: z.string().min(1),
  AWS_ENDPOINT_URL: z.url(),
  AWS_REGION: z.string().min(1),
  AWS_DEFAULT_REGION: z.string().min(1),
  AWS_ACCESS_KEY_ID: z.string().min(1),
  AWS_SECRET_ACCESS_KEY: z.string().min(1),
  AWS_EC2_METADATA_DISABLED: z.literal('true'),
  KUBECONFIG: z.string().min(1),
  ORDER_API_URL: z.url(),
  DELIVERY_API_URL: z.url(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url(),
  /** `aws` in rehearsal mode (1-minute metrics, published minutes late); absent means fast. */
  METRIC_TIMING: z.enum(METRIC_TIMINGS).optional(),
  /** Present once the console runs. */
  CONSOLE_URL: z.url().optional(),
});

export type LocalEndpoints = z.infer<typeof LocalEndpointsSchema>;

/** The file's text: a comment line, then `KEY=value` lines in the schema's order. */
export function formatEndpointsFile(endpoints: LocalEndpoints): string {
  const checked = LocalEndpointsSchema.parse(endpoints);
  const lines = Object.entries(checked)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => `${key}=${value}`);
  return [`# Written by local-cloud. Load it with: set -a; . .demo/${ENDPOINTS_FILE_NAME}; set +a`, ...lines, ''].join(
    '\n',
  );
}

/** Reads the file's text back; throws naming the keys at fault when it is not what local-cloud writes. */
export function parseEndpointsFile(text: string): LocalEndpoints {
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#') || !trimmed.includes('=')) continue;
    values[trimmed.slice(0, trimmed.indexOf('='))] = trimmed.slice(trimmed.indexOf('=') + 1);
  }
  const parsed = LocalEndpointsSchema.safeParse(values);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`not an ${ENDPOINTS_FILE_NAME} that local-cloud writes (${fields})`);
  }
  return parsed.data;
}

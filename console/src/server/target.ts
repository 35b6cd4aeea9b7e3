import 'server-only';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { AWS_METRIC_TIMING, DEFAULT_APP_PREFIX, parseEndpointsFile, type LocalEndpoints } from '@demo/contracts';
import type { ConsoleConfig } from './config';
import { TargetError } from './errors';

/** Where the console's clients point, resolved once from config (and files) at start-up. */
export interface Target {
  kind: 'local' | 'aws';
  prefix: string;
  region: string;
  namespace: string;
  /** Application Signals' Environment: `local:<prefix>` or `eks:<cluster>/<namespace>`. */
  environment: string;
  /** AWS endpoint override (local-cloud); undefined means the real AWS endpoints. */
  awsEndpoint?: string;
  /** local target: the keys local-cloud checks signatures with. */
  localCredentials?: { accessKeyId: string; secretAccessKey: string };
  /** Kubeconfig file; undefined means the usual places (KUBECONFIG, ~/.kube/config). */
  kubeconfig?: string;
  /** Kubeconfig context to use instead of the current one (the scripts' `<prefix>-appsignals`). */
  kubeContext?: string;
  clusterName?: string;
  /** local-cloud's trace API (its OTLP receiver); traces on AWS are in X-Ray. */
  tracesUrl?: string;
  /** Finest metric period: 5 s on local-cloud, 60 s for Application Signals on AWS. */
  basePeriodSeconds: number;
  /** How long after the fact a datapoint can be read (charts shade it as not yet published). */
  publishLagSeconds: number;
  /** Where each fact came from, for the settings page. */
  sources: Record<string, string>;
}

export { TargetError };

/** The fields of `.cluster-config/cluster-resources.json` the console needs (infra-scripts write it). */
const ClusterStateSchema = z.object({
  app_prefix: z.string().optional(),
  namespace: z.string().optional(),
  cluster: z.object({ name: z.string(), region: z.string(), kube_context: z.string().optional() }),
});

export function resolveTarget(config: ConsoleConfig): Target {
  if (config.target === 'local') {
    const fromEnv = config.env.awsEndpoint && config.env.kubeconfig;
    let file: Partial<LocalEndpoints> = {};
    if (!fromEnv) {
      if (!existsSync(config.endpointsFile)) {
        throw new TargetError(
          `No local-cloud endpoints: set AWS_ENDPOINT_URL and KUBECONFIG, or start local-cloud (npm run demo), which writes ${config.endpointsFile}.`,
        );
      }
      try {
        file = parseEndpointsFile(readFileSync(config.endpointsFile, 'utf8'));
      } catch (error) {
        throw new TargetError(`${config.endpointsFile} is ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    const source = fromEnv ? 'environment' : path.relative(process.cwd(), config.endpointsFile);
    const awsEndpoint = config.env.awsEndpoint ?? file.AWS_ENDPOINT_URL;
    const kubeconfig = config.env.kubeconfig ?? file.KUBECONFIG;
    if (!awsEndpoint || !kubeconfig) throw new TargetError(`${source} names no AWS_ENDPOINT_URL or KUBECONFIG.`);
    const localCredentials =
      config.env.credentials ??
      (file.AWS_ACCESS_KEY_ID && file.AWS_SECRET_ACCESS_KEY
        ? { accessKeyId: file.AWS_ACCESS_KEY_ID, secretAccessKey: file.AWS_SECRET_ACCESS_KEY }
        : undefined);
    if (!localCredentials)
      throw new TargetError(
        `${source} gives no AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (local-cloud checks signatures).`,
      );
    const prefix = config.env.prefix ?? file.APP_PREFIX ?? DEFAULT_APP_PREFIX;
    const tracesUrl = config.env.tracesUrl ?? file.OTEL_EXPORTER_OTLP_ENDPOINT;
    // Rehearsal mode: local-cloud publishes as AWS does, so the charts read it as the aws target would.
    const rehearsal = (config.env.metricTiming ?? file.METRIC_TIMING) === 'aws';
    return {
      kind: 'local',
      ...(tracesUrl ? { tracesUrl } : {}),
      basePeriodSeconds: rehearsal ? AWS_METRIC_TIMING.periodSeconds : 5,
      publishLagSeconds: rehearsal ? AWS_METRIC_TIMING.publishLagSeconds : 2,
      prefix,
      region: config.env.region ?? file.AWS_REGION ?? 'us-east-1',
      namespace: config.env.namespace,
      environment: `local:${prefix}`,
      awsEndpoint,
      localCredentials,
      kubeconfig,
      sources: {
        endpoints: source,
        ...(rehearsal
          ? {
              'metric timing': `AWS rehearsal: ${AWS_METRIC_TIMING.periodSeconds} s periods, published ${AWS_METRIC_TIMING.publishLagSeconds} s late (--aws-timing)`,
            }
          : {}),
      },
    };
  }
  let state: z.infer<typeof ClusterStateSchema> | undefined;
  if (existsSync(config.clusterConfigFile)) {
    const parsed = ClusterStateSchema.safeParse(JSON.parse(readFileSync(config.clusterConfigFile, 'utf8')));
    if (!parsed.success)
      throw new TargetError(
        `${config.clusterConfigFile} is not a cluster state file the scripts wrote: ${parsed.error.issues[0]?.message}`,
      );
    state = parsed.data;
  }
  const clusterName = config.env.clusterName ?? state?.cluster.name;
  const region = config.env.region ?? state?.cluster.region;
  if (!clusterName || !region) {
    throw new TargetError(
      `The aws target needs a cluster and region: run infra-scripts/1-create-env.sh (it writes ${config.clusterConfigFile}) or set EKS_CLUSTER_NAME and AWS_REGION.`,
    );
  }
  const prefix = config.env.prefix ?? state?.app_prefix ?? DEFAULT_APP_PREFIX;
  const namespace = state?.namespace ?? config.env.namespace;
  // The state file's context pins its cluster, whatever kubectl's current context is; a cluster
  // named in the environment uses the current context.
  const kubeContext = config.env.clusterName ? undefined : state?.cluster.kube_context;
  return {
    kind: 'aws',
    basePeriodSeconds: AWS_METRIC_TIMING.periodSeconds,
    publishLagSeconds: AWS_METRIC_TIMING.publishLagSeconds,
    prefix,
    region,
    namespace,
    environment: `eks:${clusterName}/${namespace}`,
    ...(config.env.kubeconfig ? { kubeconfig: config.env.kubeconfig } : {}),
    ...(kubeContext ? { kubeContext } : {}),
    clusterName,
    sources: {
      cluster: config.env.clusterName ? 'EKS_CLUSTER_NAME' : path.relative(process.cwd(), config.clusterConfigFile),
      credentials: 'the default AWS credential chain',
      kubeconfig: `${config.env.kubeconfig ? 'KUBECONFIG' : '~/.kube/config (aws eks update-kubeconfig)'}${kubeContext ? `, context ${kubeContext}` : ''}`,
    },
  };
}

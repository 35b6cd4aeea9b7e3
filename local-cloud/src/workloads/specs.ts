import path from 'node:path';
import type { V1Container, V1Deployment, V1EnvVar, V1Service } from '@kubernetes/client-node';
import { appNames, DATABASE_NAME, PORTS } from '@demo/contracts';
import { LOCAL_CREDENTIALS } from '../endpoints';
import type { ProcessSpec } from './replica';

/**
 * The three Deployments and two Services of the demo, as Kubernetes objects. The env mirrors what
 * the EKS manifests give the pods (MYSQL_*, AWS endpoint and credentials, OTEL_*), pointed at
 * local-cloud; the commands run the built services under OpenTelemetry auto-instrumentation.
 */

export interface WorkloadEndpoints {
  prefix: string;
  repoRoot: string;
  region: string;
  awsUrl: string;
  otlpUrl: string;
  mysql: { host: string; port: number; user: string; password: string };
  orderApiPort: number;
  deliveryApiPort: number;
  replicas: { orderApi: number; deliveryApi: number; trafficGenerator: number };
  trafficRate: number;
  deliveryPoolTimeoutMs: number;
}

export const NAMESPACE = 'default';
/** local-cloud's slim OpenTelemetry register (src/telemetry/otel-register.ts, built beside main.js). */
const register = (repoRoot: string) => path.join(repoRoot, 'local-cloud', 'dist', 'otel-register.js');

function env(values: Record<string, string | number>): V1EnvVar[] {
  return Object.entries(values).map(([name, value]) => ({ name, value: String(value) }));
}

function otelEnv(service: string, e: WorkloadEndpoints): Record<string, string> {
  return {
    OTEL_SERVICE_NAME: service,
    OTEL_RESOURCE_ATTRIBUTES: `service.version=1.0.0,deployment.environment=local:${e.prefix}`,
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_EXPORTER_OTLP_ENDPOINT: e.otlpUrl,
    OTEL_METRICS_EXPORTER: 'none',
    OTEL_LOGS_EXPORTER: 'none',
    OTEL_BSP_SCHEDULE_DELAY: '500',
    // The EC2/EKS resource detectors would probe the instance metadata address.
    OTEL_NODE_RESOURCE_DETECTORS: 'env,host,os,process',
  };
}

function deployment(
  name: string,
  replicas: number,
  container: V1Container,
  annotations: Record<string, string> = {},
): V1Deployment & { metadata: { name: string; namespace: string }; spec: NonNullable<V1Deployment['spec']> } {
  const labels = { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NAMESPACE, labels: { ...labels, 'app.kubernetes.io/part-of': 'appsignals-demo' } },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      progressDeadlineSeconds: 600,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels, annotations },
        spec: { containers: [container], terminationGracePeriodSeconds: 30 },
      },
    },
  };
}

function probe(path: string) {
  return { httpGet: { path, port: 'http' }, periodSeconds: 2, timeoutSeconds: 1, failureThreshold: 3 };
}

export function workloadObjects(e: WorkloadEndpoints) {
  const names = appNames(e.prefix);
  const service = (dir: string) => path.join(e.repoRoot, 'services', dir);
  const delivery = deployment(names.deliveryApi, e.replicas.deliveryApi, {
    name: 'delivery-api',
    image: `local-cloud/${names.deliveryApi}:dev`,
    workingDir: service('delivery-api'),
    command: ['node', '--require', register(e.repoRoot), 'dist/server.js'],
    ports: [{ name: 'http', containerPort: PORTS.deliveryApi }],
    readinessProbe: probe('/api/delivery/ready'),
    env: env({
      APP_PREFIX: e.prefix,
      MYSQL_HOST: e.mysql.host,
      MYSQL_PORT: e.mysql.port,
      MYSQL_USER: e.mysql.user,
      MYSQL_PASSWORD: e.mysql.password,
      MYSQL_DATABASE: DATABASE_NAME,
      AWS_REGION: e.region,
      AWS_ENDPOINT_URL: e.awsUrl,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_EC2_METADATA_DISABLED: 'true',
      MYSQL_POOL_TIMEOUT_MS: e.deliveryPoolTimeoutMs,
      SHUTDOWN_TIMEOUT_MS: 25_000,
      LOG_LEVEL: 'info',
      ...otelEnv(names.deliveryApi, e),
    }),
  });
  const order = deployment(names.orderApi, e.replicas.orderApi, {
    name: 'order-api',
    image: `local-cloud/${names.orderApi}:dev`,
    workingDir: service('order-api'),
    command: ['node', '--require', register(e.repoRoot), 'dist/server.js'],
    ports: [{ name: 'http', containerPort: PORTS.orderApi }],
    readinessProbe: probe('/api/orders/ready'),
    env: env({
      APP_PREFIX: e.prefix,
      DELIVERY_API_URL: `http://127.0.0.1:${e.deliveryApiPort}`,
      // No cloud load balancer in front locally: the usual 5 s keep-alive suffices.
      HTTP_KEEP_ALIVE_TIMEOUT_MS: 5000,
      SHUTDOWN_TIMEOUT_MS: 25_000,
      LOG_LEVEL: 'info',
      ...otelEnv(names.orderApi, e),
    }),
  });
  // Like the original, the traffic generator is not instrumented: it is the "client".
  const traffic = deployment(names.trafficGenerator, e.replicas.trafficGenerator, {
    name: 'traffic-generator',
    image: `local-cloud/${names.trafficGenerator}:dev`,
    workingDir: service('traffic-generator'),
    command: ['node', 'dist/server.js'],
    env: env({
      APP_PREFIX: e.prefix,
      ORDER_API_URL: `http://127.0.0.1:${e.orderApiPort}`,
      RATE: e.trafficRate,
      INVALID_SHARE: 0.05,
      STATS_INTERVAL: 10,
      LOG_LEVEL: 'info',
    }),
  });
  const services: V1Service[] = [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: names.orderApi, namespace: NAMESPACE, labels: { app: names.orderApi } },
      spec: {
        type: 'LoadBalancer',
        selector: { app: names.orderApi },
        clusterIP: '127.0.0.1',
        ports: [{ name: 'http', port: e.orderApiPort, targetPort: 'http', protocol: 'TCP' }],
      },
      status: { loadBalancer: { ingress: [{ ip: '127.0.0.1' }] } },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: names.deliveryApi, namespace: NAMESPACE, labels: { app: names.deliveryApi } },
      spec: {
        type: 'ClusterIP',
        selector: { app: names.deliveryApi },
        clusterIP: '127.0.0.1',
        ports: [{ name: 'http', port: e.deliveryApiPort, targetPort: 'http', protocol: 'TCP' }],
      },
      status: { loadBalancer: {} },
    },
  ];
  return { deployments: [delivery, order, traffic], services };
}

/**
 * How local-cloud runs a container: `node` is this Node.js, and the env is the container's on top
 * of the few host variables a process needs (like an image's), nothing else.
 */
export function processFor(container: V1Container, hostEnv: Record<string, string>): ProcessSpec {
  const [command = 'node', ...args] = [...(container.command ?? []), ...(container.args ?? [])];
  const envFromContainer = Object.fromEntries(
    (container.env ?? []).flatMap((v) => (v.value === undefined ? [] : [[v.name, v.value]])),
  );
  const readiness = container.readinessProbe?.httpGet?.path;
  const period = container.readinessProbe?.periodSeconds;
  return {
    command: command === 'node' ? process.execPath : command,
    args,
    cwd: container.workingDir ?? process.cwd(),
    env: { ...hostEnv, ...envFromContainer },
    ...(readiness ? { readinessPath: readiness } : {}),
    ...(period ? { readinessPeriodMs: period * 1000 } : {}),
  };
}

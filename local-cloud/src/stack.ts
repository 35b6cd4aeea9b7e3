import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { appNames, DATABASE_NAME, formatPoolParams, POOL_PARAM_DEFAULTS, type PoolParamKey } from '@demo/contracts';
import type { Logger } from 'pino';
import { applicationSignalsService } from './aws/application-signals/provider';
import { SloStore } from './aws/application-signals/slos';
import { cloudWatchService } from './aws/cloudwatch/provider';
import { startAwsEndpoint, type AwsEndpoint } from './aws/endpoint';
import { ssmService } from './aws/ssm/provider';
import { ParameterStore } from './aws/ssm/store';
import type { LocalCloudConfig } from './config';
import { LOCAL_CREDENTIALS, type Endpoints } from './endpoints';
import { startKubeApiServer, type KubeApiServer } from './kube/api-server';
import { Cluster } from './kube/cluster';
import { changeFeed } from './change-feed';
import { writeKubeconfig } from './kube/kubeconfig';
import { listen } from './http/listen';
import { createDatabase, provideMysql, type ProvidedMysql } from './mysql';
import { freePort } from './net/free-port';
import { TelemetryPipeline } from './telemetry/pipeline';
import { startReceiver, type Receiver } from './telemetry/receiver';
import { Deployment, type WorkloadEvent } from './workloads/deployment';
import { PidRegistry } from './workloads/pid-registry';
import { processFor, workloadObjects } from './workloads/specs';
import { DataPlane } from './workloads/data-plane';

export interface LocalCloud {
  endpoints: Endpoints;
  cluster: Cluster;
  pipeline: TelemetryPipeline;
  parameters: ParameterStore;
  /** Resolves when the Order and Delivery APIs have all their replicas ready. */
  waitUntilAvailable(timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
  /** Every process started, so a client started beside the stack (the console) is reaped with it. */
  processes: PidRegistry;
  /** SIGKILLs every process started (when the user insists on leaving now). */
  kill(): void;
  /** Requests the AWS endpoint and the Kubernetes API have answered so far. */
  requestsServed(): { aws: number; kube: number };
}

/** Seeds the four pool parameters with their defaults on first start; later starts keep the values. */
function seedParameters(store: ParameterStore, prefix: string): void {
  const names = appNames(prefix);
  const values = formatPoolParams(POOL_PARAM_DEFAULTS);
  for (const key of Object.keys(names.parameters) as PoolParamKey[]) {
    const name = names.parameters[key];
    if (store.get(name)) continue;
    store.set({
      name,
      type: 'String',
      value: values[key],
      version: 1,
      lastModified: new Date(),
      dataType: 'text',
      tags: [],
    });
  }
}

async function ensurePortFree(host: string, port: number, variable: string): Promise<void> {
  const probe = net.createServer();
  await listen(probe, port, host, variable);
  await new Promise((resolve) => probe.close(resolve));
}

/** Refuses to start beside a running local-cloud on the same data directory. */
function claimDataDir(lockFile: string): void {
  if (!existsSync(lockFile)) return;
  const pid = Number(readFileSync(lockFile, 'utf8'));
  // An empty or damaged lock file (Number("") is 0, and kill(0) would signal our own group) names no one.
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return;
  try {
    process.kill(pid, 0);
  } catch {
    return; // a previous run that died: its leftovers are reaped below
  }
  throw new Error(
    `local-cloud is already running (pid ${pid}) on ${path.dirname(lockFile)}. Stop it first (Ctrl-C in its terminal, or kill ${pid}).`,
  );
}

/**
 * Starts everything in an order that fails fast: all listening ports first (a taken port is
 * reported before anything slow happens), then MySQL, then the workloads, then the API server
 * that reports them. `stop()` undoes it in reverse and leaves no process behind.
 */
export async function startLocalCloud(config: LocalCloudConfig, logger: Logger): Promise<LocalCloud> {
  await mkdir(config.dataDir, { recursive: true });
  const lockFile = path.join(config.dataDir, 'local-cloud.pid');
  claimDataDir(lockFile);
  await writeFile(lockFile, String(process.pid));
  const registry = new PidRegistry(path.join(config.dataDir, 'run', 'pids.json'));
  const reaped = registry.reapLeftovers();
  if (reaped > 0) logger.warn({ reaped }, 'ended processes left over by a previous run');

  const names = appNames(config.prefix);
  const cleanups: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (error) {
        logger.error({ err: error }, 'cleanup step failed');
      }
    }
    await rm(lockFile, { force: true });
  };

  try {
    const cluster = new Cluster();
    const environment = `local:${config.prefix}`;
    const pipeline = new TelemetryPipeline({
      environment,
      // Calls to a Service's stable port are calls to that workload.
      serviceAt: (host, port) => {
        if (!['127.0.0.1', 'localhost', '::1'].includes(host)) return undefined;
        return cluster.listServices(undefined).find((s) => s.spec?.ports?.[0]?.port === port)?.metadata?.name;
      },
      retentionSeconds: config.retentionSeconds,
      maxSeries: 5000,
      maxTraces: 5000,
    });
    const telemetryTimer = setInterval(() => pipeline.tick(), 1000);
    cleanups.push(() => {
      clearInterval(telemetryTimer);
      return Promise.resolve();
    });

    const parameters = new ParameterStore(path.join(config.dataDir, 'ssm.json'));
    seedParameters(parameters, config.prefix);
    const { changes, onParameterWrite } = changeFeed(cluster, names, environment, config.region);

    const dataPlane = new DataPlane(logger);
    cleanups.push(() => dataPlane.close());
    /** Tells the data plane which replicas may take traffic, whenever a replica changes. */
    const syncDataPlane = () => {
      for (const deployment of cluster.allDeployments())
        if (deployment.name === names.deliveryApi || deployment.name === names.orderApi)
          dataPlane.setReady(deployment.name, deployment.readyPorts());
    };
    // The AWS endpoint and the Kubernetes API start after the receiver; it reads their counts late.
    let requestsServed = () => ({ aws: 0, kube: 0 });
    const receiver: Receiver = await startReceiver({
      host: config.host,
      port: config.ports.otlp,
      pipeline,
      logger,
      requestsServed: () => requestsServed(),
    });
    cleanups.push(() => receiver.close());
    const aws: AwsEndpoint = await startAwsEndpoint({
      credentials: LOCAL_CREDENTIALS,
      host: config.host,
      port: config.ports.aws,
      rpcServices: [
        ssmService(parameters, config.region, onParameterWrite),
        cloudWatchService(pipeline.metrics, { timing: config.metricTiming }),
      ],
      restServices: [
        applicationSignalsService(
          pipeline.metrics,
          { store: new SloStore(path.join(config.dataDir, 'slos.json')), region: config.region },
          changes,
        ),
      ],
      logger,
    });
    cleanups.push(() => aws.close());
    const deliveryPort = await dataPlane.listen(
      names.deliveryApi,
      config.host,
      config.ports.deliveryApi,
      'DELIVERY_API_PORT',
    );
    const orderPort = await dataPlane.listen(names.orderApi, config.host, config.ports.orderApi, 'ORDER_API_PORT');
    // A new token every start: only whoever can read the 0600 kubeconfig may talk to the cluster.
    const kubeToken = randomBytes(32).toString('base64url');
    const kube: KubeApiServer = await startKubeApiServer({
      host: config.host,
      port: config.ports.kube,
      cluster,
      token: kubeToken,
      logger,
    });
    cleanups.push(() => kube.close());

    // A taken MySQL port would only surface as a server log line; say which variable moves it.
    if (!config.mysqlUrl && config.ports.mysql !== 0)
      await ensurePortFree(config.host, config.ports.mysql, 'LOCAL_CLOUD_MYSQL_PORT');
    const mysql: ProvidedMysql = await provideMysql({
      ...(config.mysqlUrl ? { mysqlUrl: config.mysqlUrl } : {}),
      dataDir: path.join(config.dataDir, 'mysql'),
      ...(config.ports.mysql === 0 ? {} : { port: config.ports.mysql }),
      searchPath: config.searchPath,
    });
    if (mysql.process) registry.add(mysql.process.pid, mysql.process.argv);
    cleanups.push(async () => {
      await mysql.stop();
      if (mysql.process) registry.remove(mysql.process.pid);
    });
    await createDatabase(mysql.url, DATABASE_NAME);
    logger.info({ mysql: mysql.description }, 'mysql ready');

    const objects = workloadObjects({
      prefix: config.prefix,
      repoRoot: config.repoRoot,
      region: config.region,
      awsUrl: aws.url,
      otlpUrl: receiver.url,
      mysql: mysql.endpoint,
      orderApiPort: orderPort,
      deliveryApiPort: deliveryPort,
      replicas: config.replicas,
      trafficRate: config.trafficRate,
      deliveryPoolTimeoutMs: config.deliveryPoolTimeoutMs,
    });
    for (const service of objects.services) cluster.addService(service);
    const hooks = {
      allocatePort: freePort,
      processFor: (container: Parameters<typeof processFor>[0]) => processFor(container, config.hostEnv),
      onChange: () => {
        cluster.nudge();
        syncDataPlane();
      },
      onEvent: (event: WorkloadEvent) => cluster.recordEvent(event),
      onSpawn: (pid: number, argv: string[]) => registry.add(pid, argv),
      onExit: (pid: number) => registry.remove(pid),
      ...(config.workloadLogs
        ? { onLog: (replica: string, line: string) => process.stdout.write(`[${replica}] ${line}\n`) }
        : {}),
    };
    for (const object of objects.deployments) cluster.addDeployment(new Deployment(object, hooks, 30_000));
    cluster.start();
    cleanups.push(async () => {
      await cluster.stop();
      registry.clear();
    });

    requestsServed = () => ({ aws: aws.requestsServed, kube: kube.requestsServed });
    const kubeconfig = path.join(config.dataDir, 'kubeconfig');
    await writeKubeconfig(kubeconfig, kube, kubeToken);

    const endpoints: Endpoints = {
      prefix: config.prefix,
      region: config.region,
      awsUrl: aws.url,
      kubeUrl: kube.url,
      kubeconfig,
      otlpUrl: receiver.url,
      orderApiUrl: `http://${config.host}:${orderPort}`,
      deliveryApiUrl: `http://${config.host}:${deliveryPort}`,
      mysql: mysql.description,
      metricTiming: config.metricTiming,
    };

    return {
      endpoints,
      cluster,
      pipeline,
      parameters,
      stop,
      processes: registry,
      kill: () => registry.killAll(),
      requestsServed: () => requestsServed(),
      async waitUntilAvailable(timeoutMs) {
        const deadline = Date.now() + timeoutMs;
        const watched = [names.deliveryApi, names.orderApi];
        for (;;) {
          const pending = watched.filter((name) => {
            const deployment = cluster.deployment('default', name);
            return (deployment.status().availableReplicas ?? 0) < deployment.desired;
          });
          if (pending.length === 0) return;
          if (Date.now() > deadline) {
            const logs = pending.flatMap((name) =>
              cluster
                .deployment('default', name)
                .replicas.flatMap((r) => r.logs.slice(-15).map((line) => `[${r.name}] ${line}`)),
            );
            throw new Error(
              `Not available within ${timeoutMs / 1000} s: ${pending.join(', ')}. Last log lines:\n${logs.join('\n')}`,
            );
          }
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

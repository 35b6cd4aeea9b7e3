import '../vitest-mysql';
import path from 'node:path';
import {
  ApplicationSignalsClient,
  ListServiceDependenciesCommand,
  ListServiceOperationsCommand,
} from '@aws-sdk/client-application-signals';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  appNames,
  DeliveryConfigSchema,
  formatPoolParams,
  POOL_PARAM_DEFAULTS,
  rolloutState,
  sampleOrder,
  type PoolParams,
} from '@demo/contracts';
import { startLoad, type Summary } from '@demo/load';
import type { LocalCloud } from '../src/stack';
import { startTestCloud, type TestCloud } from '../test-cloud';

/**
 * The whole local stack, driven only through the real clients: @kubernetes/client-node for the
 * cluster, the AWS SDK for SSM, CloudWatch and Application Signals, HTTP for the services.
 */
const repoRoot = path.resolve(__dirname, '..', '..');
const names = appNames('ts');
const NS = 'default';
const ENV = 'local:ts';
const aws = { region: 'us-east-1', credentials: { accessKeyId: 'local-cloud', secretAccessKey: 'local-cloud' } };

let testCloud: TestCloud;
let cloud: LocalCloud;
let apps: k8s.AppsV1Api;
let core: k8s.CoreV1Api;
let watch: k8s.Watch;
let ssm: SSMClient;
let cloudwatch: CloudWatchClient;
let signals: ApplicationSignalsClient;

beforeAll(async () => {
  testCloud = await startTestCloud({ mysqlUrl: inject('mysqlUrl'), repoRoot });
  ({ cloud } = testCloud);
  const kubeconfig = new k8s.KubeConfig();
  kubeconfig.loadFromFile(cloud.endpoints.kubeconfig);
  apps = kubeconfig.makeApiClient(k8s.AppsV1Api);
  core = kubeconfig.makeApiClient(k8s.CoreV1Api);
  watch = new k8s.Watch(kubeconfig);
  ssm = new SSMClient({ ...aws, endpoint: cloud.endpoints.awsUrl });
  cloudwatch = new CloudWatchClient({ ...aws, endpoint: cloud.endpoints.awsUrl });
  signals = new ApplicationSignalsClient({ ...aws, endpoint: cloud.endpoints.awsUrl });
}, 90_000);

afterAll(async () => {
  ssm?.destroy();
  cloudwatch?.destroy();
  signals?.destroy();
  await testCloud?.stop();
}, 60_000);

const strategic = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch);
const mergePatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
const jsonPatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch);

async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Patches the restart annotation (as `kubectl rollout restart` does) and waits for the rollout. */
async function rolloutRestart(name: string): Promise<{ ms: number; deployment: k8s.V1Deployment }> {
  const started = Date.now();
  const patch = {
    spec: {
      template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': new Date().toISOString() } } },
    },
  };
  const patched = await apps.patchNamespacedDeployment({ name, namespace: NS, body: patch }, strategic);
  expect(rolloutState(patched).phase).toBe('progressing');
  const deployment = await waitFor(`rollout of ${name}`, async () => {
    const current = await apps.readNamespacedDeployment({ name, namespace: NS });
    return rolloutState(current).phase === 'done' ? current : undefined;
  });
  return { ms: Date.now() - started, deployment };
}

async function configs(deployment: string) {
  const pods = await core.listNamespacedPod({ namespace: NS, labelSelector: `app=${deployment}` });
  const ready = pods.items.filter(
    (p) =>
      !p.metadata?.deletionTimestamp && p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
  );
  return Promise.all(
    ready.map(async (pod) => {
      // client-node hands a JSON answer back parsed, although its type says string.
      const body: unknown = await core.connectGetNamespacedPodProxyWithPath({
        name: pod.metadata?.name ?? '',
        namespace: NS,
        path: 'api/delivery/config',
      });
      return DeliveryConfigSchema.parse(typeof body === 'string' ? JSON.parse(body) : body);
    }),
  );
}

async function setPoolParams(params: Partial<PoolParams>): Promise<void> {
  const values = formatPoolParams({ ...POOL_PARAM_DEFAULTS, ...params });
  for (const key of Object.keys(params) as (keyof PoolParams)[]) {
    await ssm.send(
      new PutParameterCommand({ Name: names.parameters[key], Value: values[key], Type: 'String', Overwrite: true }),
    );
  }
}

async function metricSum(
  metric: 'Latency' | 'Fault' | 'Error',
  dimensions: Record<string, string>,
  stat: string,
  from: Date,
): Promise<number> {
  const out = await cloudwatch.send(
    new GetMetricDataCommand({
      StartTime: from,
      EndTime: new Date(Date.now() + 60_000),
      MetricDataQueries: [
        {
          Id: 'm',
          MetricStat: {
            Metric: {
              Namespace: 'ApplicationSignals',
              MetricName: metric,
              Dimensions: Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value })),
            },
            Period: 1,
            Stat: stat,
          },
        },
      ],
    }),
  );
  return (out.MetricDataResults?.[0]?.Values ?? []).reduce((sum, value) => sum + value, 0);
}

function loadAt(rate: number, seconds: number, url = cloud.endpoints.orderApiUrl): Promise<Summary> {
  return startLoad({ url, rate, durationSeconds: seconds, maxInFlight: 200, requestTimeoutMs: 30_000 }).done;
}

describe('the cluster through @kubernetes/client-node', () => {
  it('runs the three Deployments with their status done, and Services that say where they listen', async () => {
    const list = await apps.listNamespacedDeployment({ namespace: NS });
    expect(list.items.map((d) => [d.metadata?.name, d.spec?.replicas]).sort()).toEqual([
      [names.deliveryApi, 2],
      [names.orderApi, 2],
      [names.trafficGenerator, 0],
    ]);
    for (const deployment of list.items) expect(rolloutState(deployment).phase).toBe('done');
    const order = await core.readNamespacedService({ name: names.orderApi, namespace: NS });
    expect(order.spec?.type).toBe('LoadBalancer');
    const ingress = order.status?.loadBalancer?.ingress?.[0];
    expect(`http://${ingress?.ip}:${order.spec?.ports?.[0]?.port}`).toBe(cloud.endpoints.orderApiUrl);
    const services = await core.listNamespacedService({ namespace: NS });
    expect(services.items.map((s) => s.metadata?.name).sort()).toEqual([names.deliveryApi, names.orderApi]);
  });

  it('lists one Running, Ready pod per replica, and proxies to each one', async () => {
    const pods = await core.listNamespacedPod({ namespace: NS, labelSelector: `app=${names.deliveryApi}` });
    expect(pods.items).toHaveLength(2);
    for (const pod of pods.items) {
      expect(pod.status?.phase).toBe('Running');
      expect(pod.status?.containerStatuses?.[0]?.ready).toBe(true);
      expect(pod.metadata?.labels?.['pod-template-hash']).toMatch(/^[0-9a-f]{10}$/);
    }
    const perReplica = await configs(names.deliveryApi);
    expect(new Set(perReplica.map((c) => c.instance.id)).size).toBe(2);
    for (const config of perReplica)
      expect(config.effective).toMatchObject({ pool_size: 10, max_overflow: 20, fault_injection: false });
  });

  it("proxies through the Delivery API's Service to a ready replica at random; each names itself by its pod", async () => {
    const pods = await core.listNamespacedPod({ namespace: NS, labelSelector: `app=${names.deliveryApi}` });
    const podNames = new Set(pods.items.map((p) => p.metadata?.name));
    const seen = new Set<string>();
    for (let i = 0; i < 40 && seen.size < podNames.size; i++) {
      const body: unknown = await core.connectGetNamespacedServiceProxyWithPath({
        name: names.deliveryApi,
        namespace: NS,
        path: 'api/delivery/config',
      });
      seen.add(DeliveryConfigSchema.parse(typeof body === 'string' ? JSON.parse(body) : body).instance.hostname);
    }
    expect(seen).toEqual(podNames);
    await expect(
      core.connectGetNamespacedServiceProxyWithPath({ name: 'no-such-service', namespace: NS, path: 'x' }),
    ).rejects.toMatchObject({ code: 404 });
  });

  it('answers errors as Status objects with the right codes', async () => {
    const error = (promise: Promise<unknown>) =>
      promise.then(
        () => undefined,
        (e: unknown) => e as k8s.ApiException<string>,
      );
    const missing = await error(apps.readNamespacedDeployment({ name: 'nope', namespace: NS }));
    expect(missing?.code).toBe(404);
    expect(JSON.parse(missing?.body ?? '{}')).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'NotFound',
      code: 404,
    });
    // A JSON patch whose test fails is 422, and its later operations do not apply.
    const failedTest = await error(
      apps.patchNamespacedDeployment(
        {
          name: names.orderApi,
          namespace: NS,
          body: [
            { op: 'test', path: '/spec/replicas', value: 5 },
            { op: 'replace', path: '/spec/replicas', value: 3 },
          ],
        },
        jsonPatch,
      ),
    );
    expect(failedTest?.code).toBe(422);
    const negative = await error(
      apps.patchNamespacedDeployment(
        { name: names.orderApi, namespace: NS, body: { spec: { replicas: -1 } } },
        mergePatch,
      ),
    );
    expect(negative?.code).toBe(422);
    expect(JSON.parse(negative?.body ?? '{}')).toMatchObject({
      reason: 'Invalid',
      message:
        'Deployment.apps "ts-order-api" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
      details: {
        causes: [
          {
            field: 'spec.replicas',
            reason: 'FieldValueInvalid',
            message: 'Invalid value: -1: must be greater than or equal to 0',
          },
        ],
      },
    });
    const stale = await error(
      apps.patchNamespacedDeployment(
        { name: names.orderApi, namespace: NS, body: { metadata: { resourceVersion: '1' }, spec: { replicas: 2 } } },
        mergePatch,
      ),
    );
    expect(stale?.code).toBe(409);
    expect((await apps.readNamespacedDeployment({ name: names.orderApi, namespace: NS })).spec?.replicas).toBe(2);
  });

  it('applies a JSON patch; a patch that changes nothing keeps the resourceVersion and generation', async () => {
    const before = await apps.readNamespacedDeployment({ name: names.trafficGenerator, namespace: NS });
    const same = await apps.patchNamespacedDeployment(
      {
        name: names.trafficGenerator,
        namespace: NS,
        body: [{ op: 'replace', path: '/spec/replicas', value: before.spec?.replicas }],
      },
      jsonPatch,
    );
    expect(same.metadata?.resourceVersion).toBe(before.metadata?.resourceVersion);
    expect(same.metadata?.generation).toBe(before.metadata?.generation);
    const labelled = await apps.patchNamespacedDeployment(
      {
        name: names.trafficGenerator,
        namespace: NS,
        body: [{ op: 'add', path: '/metadata/labels/demo-note', value: 'json-patch' }],
      },
      jsonPatch,
    );
    expect(labelled.metadata?.labels?.['demo-note']).toBe('json-patch');
    expect(Number(labelled.metadata?.resourceVersion)).toBeGreaterThan(Number(before.metadata?.resourceVersion));
    const removed = await apps.patchNamespacedDeployment(
      { name: names.trafficGenerator, namespace: NS, body: [{ op: 'remove', path: '/metadata/labels/demo-note' }] },
      jsonPatch,
    );
    expect(removed.metadata?.labels?.['demo-note']).toBeUndefined();
  });

  it('answers a template patch before the controller has observed it, then numbers the new revision', async () => {
    const before = await apps.readNamespacedDeployment({ name: names.trafficGenerator, namespace: NS });
    const revision = Number(before.metadata?.annotations?.['deployment.kubernetes.io/revision']);
    expect(revision).toBeGreaterThanOrEqual(1);
    const patched = await apps.patchNamespacedDeployment(
      {
        name: names.trafficGenerator,
        namespace: NS,
        body: { spec: { template: { metadata: { annotations: { 'demo/restarted': new Date().toISOString() } } } } },
      },
      strategic,
    );
    expect(patched.metadata?.generation).toBe((before.metadata?.generation ?? 0) + 1);
    // As an API server answers: the controller has not acted yet.
    expect(patched.status?.observedGeneration).toBe(before.metadata?.generation);
    const observed = await waitFor('the controller to observe the new generation', async () => {
      const now = await apps.readNamespacedDeployment({ name: names.trafficGenerator, namespace: NS });
      return now.status?.observedGeneration === patched.metadata?.generation ? now : undefined;
    });
    expect(observed.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe(String(revision + 1));
  });

  it('a watch from a recent resourceVersion replays what it missed; from one older than the history, 410 Expired', async () => {
    const watchFrom = async (resourceVersion: string) => {
      const seen: { type: string; object: k8s.V1Deployment & k8s.V1Status }[] = [];
      const request = await watch.watch(
        `/apis/apps/v1/namespaces/${NS}/deployments`,
        { fieldSelector: `metadata.name=${names.trafficGenerator}`, resourceVersion },
        (type, object: k8s.V1Deployment & k8s.V1Status) => seen.push({ type, object }),
        () => undefined,
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      request.abort();
      return seen;
    };
    const label = (value: string) =>
      apps.patchNamespacedDeployment(
        { name: names.trafficGenerator, namespace: NS, body: { metadata: { labels: { 'demo-note': value } } } },
        mergePatch,
      );
    const start = (await apps.readNamespacedDeployment({ name: names.trafficGenerator, namespace: NS })).metadata
      ?.resourceVersion;
    await label('one');
    await label('two');
    const replayed = await watchFrom(start ?? '');
    expect(replayed.map((e) => [e.type, e.object.metadata?.labels?.['demo-note']])).toEqual([
      ['MODIFIED', 'one'],
      ['MODIFIED', 'two'],
    ]);
    // More changes than the history keeps (1,000 events): `start` is now too old.
    for (let i = 0; i < 1001; i++) await label(`n${i}`);
    const expired = await watchFrom(start ?? '');
    expect(expired).toHaveLength(1);
    expect(expired[0]).toMatchObject({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } });
    await apps.patchNamespacedDeployment(
      { name: names.trafficGenerator, namespace: NS, body: [{ op: 'remove', path: '/metadata/labels/demo-note' }] },
      jsonPatch,
    );
  });

  it('scales the traffic generator through the API, watch reports it, and its log is readable', async () => {
    const events: { type: string; replicas: number | undefined; ready: number | undefined }[] = [];
    const request = await watch.watch(
      `/apis/apps/v1/namespaces/${NS}/deployments`,
      { fieldSelector: `metadata.name=${names.trafficGenerator}` },
      (type, object: k8s.V1Deployment) =>
        events.push({ type, replicas: object.spec?.replicas, ready: object.status?.readyReplicas }),
      () => undefined,
    );
    try {
      await apps.patchNamespacedDeployment(
        { name: names.trafficGenerator, namespace: NS, body: { spec: { replicas: 1 } } },
        mergePatch,
      );
      const pod = await waitFor('a traffic generator pod', async () => {
        const pods = await core.listNamespacedPod({ namespace: NS, labelSelector: `app=${names.trafficGenerator}` });
        return pods.items.find((p) => p.status?.containerStatuses?.[0]?.ready);
      });
      const log = await waitFor('the traffic generator log', async () => {
        const text = await core.readNamespacedPodLog({ name: pod.metadata?.name ?? '', namespace: NS });
        return text.includes('traffic generator starting') ? text : undefined;
      });
      expect(log).toContain(cloud.endpoints.orderApiUrl);
      await apps.patchNamespacedDeployment(
        { name: names.trafficGenerator, namespace: NS, body: { spec: { replicas: 0 } } },
        mergePatch,
      );
      await waitFor('no traffic generator pod', async () => {
        const pods = await core.listNamespacedPod({ namespace: NS, labelSelector: `app=${names.trafficGenerator}` });
        return pods.items.length === 0 ? true : undefined;
      });
      await waitFor('the watch to see it scaled and back', () =>
        Promise.resolve(events.some((e) => e.ready === 1) && events.at(-1)?.replicas === 0 ? true : undefined),
      );
      expect(events[0]?.type).toBe('ADDED');
      expect(events.slice(1).every((e) => e.type === 'MODIFIED')).toBe(true);
    } finally {
      request.abort();
    }
  });
});

describe('Application Signals metrics from real orders', () => {
  it('counts POST /api/orders on both services and the MySQL dependency, with their latencies', async () => {
    const from = new Date(Math.ceil(Date.now() / 1000) * 1000 + 1000);
    await new Promise((resolve) => setTimeout(resolve, from.getTime() - Date.now()));
    for (let i = 0; i < 20; i++) {
      const response = await fetch(`${cloud.endpoints.orderApiUrl}/api/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(sampleOrder()),
      });
      expect(response.status).toBe(200);
    }
    const order = { Environment: ENV, Service: names.orderApi, Operation: 'POST /api/orders' };
    const delivery = { Environment: ENV, Service: names.deliveryApi, Operation: 'POST /api/delivery' };
    const insert = {
      Environment: ENV,
      Service: names.deliveryApi,
      Operation: 'POST /api/delivery',
      RemoteService: 'mysql',
      RemoteOperation: 'INSERT',
    };
    const call = {
      Environment: ENV,
      Service: names.orderApi,
      Operation: 'POST /api/orders',
      RemoteService: names.deliveryApi,
      RemoteOperation: 'POST /api',
    };
    const counts = () =>
      Promise.all([order, delivery, insert, call].map((dims) => metricSum('Latency', dims, 'SampleCount', from)));
    // Spans arrive in batches (every 500 ms per process); wait until every series has them all.
    await waitFor(
      '20 orders in every series',
      async () => ((await counts()).every((n) => n >= 20) ? true : undefined),
      15_000,
    );
    expect(await counts()).toEqual([20, 20, 20, 20]);
    expect(await metricSum('Fault', order, 'Sum', from)).toBe(0);
    const orderTime = await metricSum('Latency', order, 'Sum', from);
    const deliveryTime = await metricSum('Latency', delivery, 'Sum', from);
    expect(deliveryTime).toBeGreaterThan(0);
    expect(orderTime).toBeGreaterThan(deliveryTime); // the order includes the delivery call

    const window = { StartTime: new Date(Date.now() - 3600_000), EndTime: new Date() };
    const operations = await signals.send(
      new ListServiceOperationsCommand({
        ...window,
        KeyAttributes: { Type: 'Service', Name: names.orderApi, Environment: ENV },
      }),
    );
    expect(operations.ServiceOperations?.map((o) => o.Name)).toContain('POST /api/orders');
    const dependencies = await signals.send(
      new ListServiceDependenciesCommand({
        ...window,
        KeyAttributes: { Type: 'Service', Name: names.deliveryApi, Environment: ENV },
      }),
    );
    expect(
      dependencies.ServiceDependencies?.some(
        (d) =>
          d.OperationName === 'POST /api/delivery' &&
          d.DependencyKeyAttributes?.Name === 'mysql' &&
          d.DependencyOperationName === 'INSERT',
      ),
    ).toBe(true);
  });
});

describe('rollout restart under load', () => {
  it.each([[names.deliveryApi], [names.orderApi]])(
    'restarts %s while 100 orders/s flow through the Order API, losing none',
    async (name) => {
      const before = await core.listNamespacedPod({ namespace: NS, labelSelector: `app=${name}` });
      const load = loadAt(100, 10);
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const { ms, deployment } = await rolloutRestart(name);
      const summary = await load;
      expect(deployment.status).toMatchObject({
        replicas: 2,
        updatedReplicas: 2,
        readyReplicas: 2,
        availableReplicas: 2,
        observedGeneration: deployment.metadata?.generation,
      });
      expect(deployment.status?.conditions?.find((c) => c.type === 'Progressing')?.reason).toBe(
        'NewReplicaSetAvailable',
      );
      expect(summary.sent).toBeGreaterThanOrEqual(950);
      expect({
        ok: summary.ok,
        failed: summary.sent - summary.ok,
        dropped: summary.dropped,
        statusCounts: summary.statusCounts,
      }).toEqual({
        ok: summary.sent,
        failed: 0,
        dropped: 0,
        statusCounts: { 200: summary.sent },
      });
      const after = await core.listNamespacedPod({ namespace: NS, labelSelector: `app=${name}` });
      const oldNames = new Set(before.items.map((p) => p.metadata?.name));
      expect(
        after.items.filter((p) => !p.metadata?.deletionTimestamp).every((p) => !oldNames.has(p.metadata?.name)),
      ).toBe(true);
      console.log(
        `[measured] rollout restart of ${name} under 100 rps: ${ms} ms, p99 ${summary.latency.p99.toFixed(1)} ms, ${summary.sent} orders, 0 failed`,
      );
    },
    60_000,
  );
});

describe('the fault, end to end', () => {
  it('requests to 200 distinct unknown Order API paths name at most 25 operations; the rest are UnknownOperation', async () => {
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => fetch(`${cloud.endpoints.orderApiUrl}/stray-${i}/x`)),
    );
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([404]));
    const window = () => ({ StartTime: new Date(Date.now() - 3600_000), EndTime: new Date(Date.now() + 60_000) });
    const names_ = async () =>
      (
        await signals.send(
          new ListServiceOperationsCommand({
            ...window(),
            KeyAttributes: { Type: 'Service', Name: names.orderApi, Environment: ENV },
          }),
        )
      ).ServiceOperations?.map((o) => o.Name ?? '') ?? [];
    // Spans arrive in batches: wait until the last ones are counted.
    await waitFor(
      'UnknownOperation to be listed',
      async () => ((await names_()).includes('UnknownOperation') ? true : undefined),
      15_000,
    );
    const stray = (await names_()).filter((name) => name.startsWith('GET /stray-'));
    expect(stray).toHaveLength(25);
  });

  it('SSM values + a delivery rollout give new effective values on every replica, and a burst exhausts the pool', async () => {
    await setPoolParams({ poolSize: 1, maxOverflow: 0, faultInjection: true, faultDelaySeconds: 2 });
    // A short acquire timeout keeps the test quick; the console's runbook patches nothing but the annotation.
    await apps.patchNamespacedDeployment(
      {
        name: names.deliveryApi,
        namespace: NS,
        body: {
          spec: {
            template: {
              spec: { containers: [{ name: 'delivery-api', env: [{ name: 'MYSQL_POOL_TIMEOUT_MS', value: '300' }] }] },
            },
          },
        },
      },
      strategic,
    );
    const { ms } = await rolloutRestart(names.deliveryApi);
    const perReplica = await configs(names.deliveryApi);
    expect(perReplica).toHaveLength(2);
    for (const config of perReplica) {
      expect(config.effective).toMatchObject({
        pool_size: 1,
        max_overflow: 0,
        connection_limit: 1,
        fault_injection: true,
        fault_delay_seconds: 2,
        acquire_timeout_ms: 300,
      });
      expect(config.drift).toEqual([]);
    }
    console.log(`[measured] fault parameters -> rollout -> verified on every replica: ${ms} ms`);

    const from = new Date();
    const direct = await startLoad({
      url: cloud.endpoints.deliveryApiUrl,
      path: '/api/delivery',
      rate: 20,
      durationSeconds: 3,
      maxInFlight: 200,
      body: () => ({ ...sampleOrder(), order_id: crypto.randomUUID(), total_amount: 10 }),
    }).done;
    expect(direct.statusCounts[503]).toBeGreaterThan(30);
    expect(direct.statusCounts[200] ?? 0).toBeGreaterThanOrEqual(1);
    const through = await loadAt(5, 2);
    expect(through.serverErrors).toBeGreaterThan(0);
    const deliveryService = { Environment: ENV, Service: names.deliveryApi };
    const faults = await waitFor('Faults on the Delivery API', async () => {
      const sum = await metricSum('Fault', deliveryService, 'Sum', from);
      return sum >= direct.statusCounts[503]! ? sum : undefined;
    });
    expect(faults).toBeGreaterThanOrEqual(direct.statusCounts[503]!);
    expect(
      await waitFor('Faults on the Order API', async () =>
        (await metricSum('Fault', { Environment: ENV, Service: names.orderApi }, 'Sum', from)) > 0 ? true : undefined,
      ),
    ).toBe(true);

    await setPoolParams(POOL_PARAM_DEFAULTS);
    await rolloutRestart(names.deliveryApi);
    for (const config of await configs(names.deliveryApi))
      expect(config.effective).toMatchObject({ pool_size: 10, fault_injection: false });
    const clean = await loadAt(20, 2);
    expect(clean.ok).toBe(clean.sent);
  }, 90_000);
});

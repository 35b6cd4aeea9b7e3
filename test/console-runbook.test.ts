import '@demo/testkit/provided-context';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { appNames, POOL_PARAM_DEFAULTS } from '@demo/contracts';
import { FREE_PORTS_ENV, loadConfig } from '../local-cloud/src/config';
import { startLocalCloud, type LocalCloud } from '../local-cloud/src/stack';
import { AuditLog } from '../console/src/server/audit';
import { createClients, type Clients } from '../console/src/server/clients';
import { openDatabase } from '../console/src/server/db';
import { Kube } from '../console/src/server/kube';
import { Parameters } from '../console/src/server/parameters';
import { Runbook } from '../console/src/server/runbook/runbook';
import { RunStore } from '../console/src/server/runbook/store';
import { systemClock } from '../console/src/server/runbook/types';
import { Signals } from '../console/src/server/signals';
import { BurstManager } from '../console/src/server/bursts/manager';
import type { OrderApi } from '../console/src/server/order-api';
import { startLoad } from '@demo/load';

/**
 * The console's runbook, wired exactly as context.ts wires it (SSM through the AWS SDK, the
 * Deployment and pods through client-node), against a running local-cloud.
 */
const repoRoot = path.resolve(__dirname, '..');
const names = appNames('ts');
let dataDir: string;
let cloud: LocalCloud;
let clients: Clients;
let runbook: Runbook;
let kube: Kube;
let signals: Signals;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'console-runbook-'));
  const config = loadConfig(repoRoot, {
    LOCAL_CLOUD_DATA_DIR: dataDir,
    ...FREE_PORTS_ENV,
    MYSQL_URL: inject('mysqlUrl'),
    PATH: process.env.PATH ?? '',
  });
  cloud = await startLocalCloud(config, pino({ level: 'silent' }));
  await cloud.waitUntilAvailable(60_000);
  clients = createClients({
    kind: 'local',
    prefix: 'ts',
    region: 'us-east-1',
    namespace: 'default',
    environment: 'local:ts',
    awsEndpoint: cloud.endpoints.awsUrl,
    kubeconfig: cloud.endpoints.kubeconfig,
    tracesUrl: cloud.endpoints.otlpUrl,
    basePeriodSeconds: 5,
    publishLagSeconds: 2,
    sources: {},
  });
  kube = new Kube(clients, 'default');
  const parameters = new Parameters(clients, names);
  const db = openDatabase(':memory:');
  const audit = new AuditLog(db);
  const runs = new RunStore(db);
  signals = new Signals(
    clients,
    {
      kind: 'local',
      prefix: 'ts',
      region: 'us-east-1',
      namespace: 'default',
      environment: 'local:ts',
      basePeriodSeconds: 5,
      publishLagSeconds: 2,
      sources: {},
    },
    names,
    {
      runs,
      audit,
      bursts: new BurstManager(db, audit, {} as OrderApi, { maxRate: 1, maxDurationSeconds: 1, maxInFlight: 1 }),
    },
  );
  runbook = new Runbook(
    {
      readParams: async () => (await parameters.read()).params,
      writeParams: (params) => parameters.write(params),
      restart: async () => (await kube.restart(names.deliveryApi)).metadata?.generation ?? 0,
      rollout: async () => kube.rollout(names.deliveryApi),
      configs: () => kube.deliveryConfigs(names.deliveryApi),
    },
    runs,
    audit,
    systemClock,
    {
      names,
      deployment: names.deliveryApi,
      autoRestoreMs: 600_000,
      rolloutTimeoutMs: 60_000,
      verifyTimeoutMs: 20_000,
      pollMs: 200,
    },
  );
}, 90_000);

afterAll(async () => {
  runbook?.dispose();
  await cloud?.stop();
  await rm(dataDir, { recursive: true, force: true });
}, 60_000);

describe('the runbook against local-cloud', () => {
  it('injects: writes SSM, rolls the Delivery API, and verifies every replica; then restores', async () => {
    // Steady orders throughout, as the traffic generator gives a presenter.
    const load = startLoad({ url: cloud.endpoints.orderApiUrl, rate: 20, maxInFlight: 200, requestTimeoutMs: 60_000 });
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const before = Date.now();
    await runbook.start('inject', { requestedBy: 'test', faultDelaySeconds: 2 });
    await runbook.idle();
    const verifiedAt = Date.now();
    const injectMs = verifiedAt - before;
    // How long until the console's charts show the first Fault: the Delivery API answers 503 after
    // its acquire timeout; the Order API's 502 comes only after its retries.
    const firstFault: Record<string, number | undefined> = {};
    const charts = {
      delivery: { service: names.deliveryApi, operation: 'POST /api/delivery' },
      order: { service: names.orderApi, operation: 'POST /api/orders' },
    };
    while ((firstFault.delivery === undefined || firstFault.order === undefined) && Date.now() - verifiedAt < 60_000) {
      for (const [name, chart] of Object.entries(charts)) {
        if (firstFault[name] !== undefined) continue;
        const view = await signals.chart({ ...chart, from: verifiedAt - 60_000, to: Date.now() });
        if (view.points.some((p) => p.t >= before - 5000 && p.faults > 0)) firstFault[name] = Date.now() - verifiedAt;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    // Stopping waits for in-flight orders (slow under the fault); let it run beside the restore.
    const stopped = load.stop();
    expect(firstFault.delivery).toBeDefined();
    expect(firstFault.order).toBeDefined();
    const [inject] = runbook.state().history;
    expect(inject?.status, inject?.error).toBe('succeeded');
    expect(inject?.previous).toEqual(POOL_PARAM_DEFAULTS);
    const configs = await kube.deliveryConfigs(names.deliveryApi);
    expect(configs).toHaveLength(2);
    for (const { config } of configs)
      expect(config.effective).toMatchObject({
        pool_size: 1,
        max_overflow: 0,
        fault_injection: true,
        fault_delay_seconds: 2,
      });
    expect(await kube.serviceUrl(names.orderApi)).toBe(cloud.endpoints.orderApiUrl);

    const restoring = Date.now();
    await runbook.start('restore', { requestedBy: 'test' });
    await runbook.idle();
    const restoreMs = Date.now() - restoring;
    expect(runbook.state().history[0]?.status).toBe('succeeded');
    for (const { config } of await kube.deliveryConfigs(names.deliveryApi))
      expect(config.effective).toMatchObject({ pool_size: 10, max_overflow: 20, fault_injection: false });
    await stopped;
    console.log(
      `[measured] console runbook on local-cloud: inject -> verified ${injectMs} ms, restore -> verified ${restoreMs} ms; ` +
        `first Fault on the chart after verified: Delivery API ${firstFault.delivery} ms, Order API ${firstFault.order} ms (20 orders/s, 5 s acquire timeout, 3 retries)`,
    );
  }, 120_000);
});

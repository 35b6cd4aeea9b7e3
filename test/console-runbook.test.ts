import '@demo/testkit/provided-context';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { appNames, POOL_PARAM_DEFAULTS } from '@demo/contracts';
import { loadConfig } from '../local-cloud/src/config';
import { startLocalCloud, type LocalCloud } from '../local-cloud/src/stack';
import { AuditLog } from '../console/src/server/audit';
import { createClients, type Clients } from '../console/src/server/clients';
import { openDatabase } from '../console/src/server/db';
import { Kube } from '../console/src/server/kube';
import { Parameters } from '../console/src/server/parameters';
import { Runbook } from '../console/src/server/runbook/runbook';
import { RunStore } from '../console/src/server/runbook/store';
import { systemClock } from '../console/src/server/runbook/types';

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

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'console-runbook-'));
  const config = loadConfig(repoRoot, {
    LOCAL_CLOUD_DATA_DIR: dataDir,
    ORDER_API_PORT: '0',
    DELIVERY_API_PORT: '0',
    LOCAL_CLOUD_AWS_PORT: '0',
    LOCAL_CLOUD_KUBE_PORT: '0',
    LOCAL_CLOUD_OTLP_PORT: '0',
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
    sources: {},
  });
  kube = new Kube(clients, 'default');
  const parameters = new Parameters(clients, names);
  const db = openDatabase(':memory:');
  runbook = new Runbook(
    {
      readParams: async () => (await parameters.read()).params,
      writeParams: (params) => parameters.write(params),
      restart: async () => (await kube.restart(names.deliveryApi)).metadata?.generation ?? 0,
      rollout: async () => kube.rollout(names.deliveryApi),
      configs: () => kube.deliveryConfigs(names.deliveryApi),
    },
    new RunStore(db),
    new AuditLog(db),
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
    const before = Date.now();
    await runbook.start('inject', { requestedBy: 'test', faultDelaySeconds: 2 });
    await runbook.idle();
    const injectMs = Date.now() - before;
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
    console.log(
      `[measured] console runbook on local-cloud: inject -> verified ${injectMs} ms, restore -> verified ${restoreMs} ms`,
    );
  }, 120_000);
});

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { FREE_PORTS_ENV, loadConfig } from './src/config';
import { startLocalCloud, type LocalCloud } from './src/stack';

export interface TestCloud {
  cloud: LocalCloud;
  dataDir: string;
  /** Stops every process the cloud started and removes its data directory. */
  stop(): Promise<void>;
}

/**
 * A whole local-cloud for one test file (local-cloud's own tests and, through testkit, the rest): free ports, its own data directory, the run's shared
 * MySQL (pass `inject('mysqlUrl')`), and both APIs available before it returns.
 */
export async function startTestCloud(options: {
  mysqlUrl: string;
  repoRoot: string;
  env?: Record<string, string>;
  availableWithinMs?: number;
}): Promise<TestCloud> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'test-cloud-'));
  const config = loadConfig(options.repoRoot, {
    LOCAL_CLOUD_DATA_DIR: dataDir,
    ...FREE_PORTS_ENV,
    MYSQL_URL: options.mysqlUrl,
    PATH: process.env.PATH ?? '',
    ...options.env,
  });
  const cloud = await startLocalCloud(config, pino({ level: 'silent' }));
  const stop = async () => {
    await cloud.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await cloud.waitUntilAvailable(options.availableWithinMs ?? 60_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { cloud, dataDir, stop };
}

/** `count` orders through the Order API, each answered 200 (throws otherwise): traffic for the signals. */
export async function placeOrders(orderApiUrl: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const answer = await fetch(`${orderApiUrl}/api/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        customer_name: 'Test Customer',
        items: [{ product_id: 'LAPTOP-001', quantity: 1, price: 999.99 }],
        shipping_address: '1 Test Street, Testville',
      }),
    });
    if (answer.status !== 200) throw new Error(`order ${i} answered ${answer.status}: ${await answer.text()}`);
  }
}

import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ENDPOINTS_FILE_NAME, parseEndpointsFile, type LocalEndpoints } from '@demo/contracts';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, describe, expect, it } from 'vitest';
import { FREE_PORTS_ENV } from '../src/config';

/**
 * `npm run demo` as a user runs it (the script, not the library): it reaches "ready", serves an
 * order, writes endpoints.env, and Ctrl-C leaves no process behind. Ports are free ones and the
 * data directory is temporary, so it runs beside anything else; MySQL is its own private server.
 */
const repoRoot = path.resolve(__dirname, '..', '..');
let dataDir: string | undefined;

afterAll(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

interface Session {
  env: LocalEndpoints;
  output: () => string;
  readyMs: number;
  pids: number[];
  /** SIGINT; with `outputClosed`, after closing the pipes it writes to, as a closed terminal does. */
  stop(options?: { outputClosed?: boolean }): Promise<number | null>;
}

/** Runs `scripts/demo.mjs` on free ports and a given data directory until it says ready. */
async function startDemo(dir: string, args: string[] = []): Promise<Session> {
  const started = Date.now();
  const demo = spawn(process.execPath, [path.join(repoRoot, 'scripts/demo.mjs'), ...args], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      LOCAL_CLOUD_DATA_DIR: dir,
      ...FREE_PORTS_ENV,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  demo.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  demo.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => demo.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 90_000;
  while (!output.includes('local-cloud ready in')) {
    if (Date.now() > deadline || demo.exitCode !== null) {
      demo.kill('SIGKILL');
      throw new Error(`demo did not become ready:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const readyMs = Date.now() - started;
  const env = parseEndpointsFile(readFileSync(path.join(dir, ENDPOINTS_FILE_NAME), 'utf8'));
  const pids = (JSON.parse(readFileSync(path.join(dir, 'run', 'pids.json'), 'utf8')) as { pid: number }[]).map(
    (entry) => entry.pid,
  );
  return {
    env,
    output: () => output,
    readyMs,
    pids,
    async stop({ outputClosed = false } = {}) {
      if (outputClosed) {
        demo.stdout.destroy();
        demo.stderr.destroy();
      }
      // SIGINT to the script alone, as a process manager (or this test) sends it.
      demo.kill('SIGINT');
      const timer = setTimeout(() => demo.kill('SIGKILL'), 60_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

describe('npm run demo', () => {
  it('refuses an option it does not know, before building or starting anything', async () => {
    const demo = spawn(process.execPath, [path.join(repoRoot, 'scripts/demo.mjs'), '--aws-timeing'], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    demo.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => demo.once('exit', resolve));
    expect(code).toBe(2);
    expect(output).toContain('Unknown option --aws-timeing; the one option is --aws-timing.');
  });

  it("reaches ready, serves an order, stops without leaving a process (its output read or not), and a second start finds the first one's state", async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'demo-'));
    const first = await startDemo(dataDir);
    try {
      expect(Object.keys(first.env)).toEqual(
        expect.arrayContaining([
          'AWS_ENDPOINT_URL',
          'AWS_REGION',
          'AWS_ACCESS_KEY_ID',
          'AWS_SECRET_ACCESS_KEY',
          'KUBECONFIG',
          'ORDER_API_URL',
          'DELIVERY_API_URL',
          'APP_PREFIX',
        ]),
      );
      expect(first.output()).toContain(first.env.ORDER_API_URL);
      expect(first.env.METRIC_TIMING).toBeUndefined();
      expect(existsSync(first.env.KUBECONFIG ?? '')).toBe(true);
      const response = await fetch(`${first.env.ORDER_API_URL}/api/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          order_id: 'ORD-DEMO0001',
          customer_name: 'Demo User',
          items: [{ product_id: 'LAPTOP-001', quantity: 1, price: 999.99 }],
          shipping_address: '1 Demo Street, Testville',
        }),
      });
      expect(response.status).toBe(200);
      const ssm = new SSMClient({
        endpoint: first.env.AWS_ENDPOINT_URL,
        region: first.env.AWS_REGION,
        credentials: { accessKeyId: first.env.AWS_ACCESS_KEY_ID, secretAccessKey: first.env.AWS_SECRET_ACCESS_KEY },
      });
      await ssm.send(new PutParameterCommand({ Name: '/ts-sample-app/mysql/pool-size', Value: '7', Overwrite: true }));
      ssm.destroy();
      expect(first.pids.length).toBeGreaterThanOrEqual(5); // MySQL and four replicas
      expect(first.pids.every(alive)).toBe(true);
    } finally {
      expect(await first.stop()).toBe(0);
    }
    expect(first.pids.filter(alive)).toEqual([]);
    expect(first.output()).toMatch(/Stopped cleanly/);

    // The second start rehearses AWS timing: the banner says so, and endpoints.env tells the clients.
    const second = await startDemo(dataDir, ['--aws-timing']);
    try {
      expect(second.env.METRIC_TIMING).toBe('aws');
      expect(second.output()).toContain('Rehearsal mode (--aws-timing): metrics in 60 s periods, readable 180 s after');
      const order = await fetch(`${second.env.ORDER_API_URL}/api/orders/ORD-DEMO0001`);
      expect(order.status).toBe(200);
      const config = (await (await fetch(`${second.env.DELIVERY_API_URL}/api/delivery/config`)).json()) as {
        effective: { pool_size: number };
      };
      expect(config.effective.pool_size).toBe(7);
    } finally {
      // Its output unread (the terminal closed): writing "stopping..." fails with EPIPE, and it
      // still stops everything it started.
      expect(await second.stop({ outputClosed: true })).toBe(0);
    }
    expect(second.pids.filter(alive)).toEqual([]);
    console.log(
      `[measured] npm run demo (built tree, private MariaDB): ready in ${first.readyMs} ms on a fresh data dir, ${second.readyMs} ms on the second start`,
    );
  }, 240_000);
});

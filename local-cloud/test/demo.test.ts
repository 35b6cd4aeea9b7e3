import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

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

describe('npm run demo', () => {
  it('reaches ready, serves an order, and stops without leaving a process on Ctrl-C', async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'demo-'));
    const started = Date.now();
    const demo = spawn(process.execPath, [path.join(repoRoot, 'scripts/demo.mjs')], {
      cwd: repoRoot,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        LOCAL_CLOUD_DATA_DIR: dataDir,
        ORDER_API_PORT: '0',
        DELIVERY_API_PORT: '0',
        LOCAL_CLOUD_AWS_PORT: '0',
        LOCAL_CLOUD_KUBE_PORT: '0',
        LOCAL_CLOUD_OTLP_PORT: '0',
        LOCAL_CLOUD_MYSQL_PORT: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    demo.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    demo.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => demo.once('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 90_000;
      while (!output.includes('local-cloud ready in')) {
        if (Date.now() > deadline || demo.exitCode !== null) throw new Error(`demo did not become ready:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const readyMs = Date.now() - started;
      const env = Object.fromEntries(
        readFileSync(path.join(dataDir, 'endpoints.env'), 'utf8')
          .split('\n')
          .filter((line) => line.includes('=') && !line.startsWith('#'))
          .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
      );
      expect(Object.keys(env)).toEqual(
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
      expect(output).toContain(env.ORDER_API_URL);
      const response = await fetch(`${env.ORDER_API_URL}/api/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          customer_name: 'Demo User',
          items: [{ product_id: 'LAPTOP-001', quantity: 1, price: 999.99 }],
          shipping_address: '1 Demo Street, Testville',
        }),
      });
      expect(response.status).toBe(200);
      expect(existsSync(env.KUBECONFIG ?? '')).toBe(true);

      const pids = (JSON.parse(readFileSync(path.join(dataDir, 'run', 'pids.json'), 'utf8')) as { pid: number }[]).map(
        (entry) => entry.pid,
      );
      expect(pids.length).toBeGreaterThanOrEqual(5); // MySQL and four replicas
      expect(pids.every(alive)).toBe(true);
      demo.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(pids.filter(alive)).toEqual([]);
      expect(output).toMatch(/Stopped cleanly/);
      console.log(`[measured] npm run demo (built tree, fresh data dir, private MariaDB) ready in ${readyMs} ms`);
    } finally {
      if (demo.exitCode === null) demo.kill('SIGKILL');
    }
  }, 120_000);
});

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ENDPOINTS_FILE_NAME, parseEndpointsFile } from '@demo/contracts';
import { FREE_PORTS_ENV } from '../local-cloud/src/config';

/**
 * Starts local-cloud with its console exactly as `npm run demo` does (the built entry point), on
 * free ports and a temporary data directory, and returns the teardown. The console's URL is
 * handed to the tests as CONSOLE_URL, the endpoints file as LOCAL_CLOUD_ENDPOINTS.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const root = path.resolve(__dirname, '..');
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'e2e-'));
  const child = spawn(process.execPath, [path.join(root, 'local-cloud/dist/main.js')], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      LOCAL_CLOUD_DATA_DIR: dataDir,
      ...FREE_PORTS_ENV,
      // An exhausted pool answers 503 after 1 s instead of 5 s: the fault shows faster in a test.
      DELIVERY_POOL_TIMEOUT_MS: '1000',
      // 10 s between a Restore and the next Inject instead of 30 s: seen, and not waited for long.
      CONSOLE_FAULT_COOLDOWN_SECONDS: '10',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 120_000;
  while (!output.includes('local-cloud ready in')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`local-cloud did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const env = parseEndpointsFile(readFileSync(path.join(dataDir, ENDPOINTS_FILE_NAME), 'utf8'));
  if (!env.CONSOLE_URL) throw new Error(`local-cloud started without the console (is it built?):\n${output}`);
  process.env.CONSOLE_URL = env.CONSOLE_URL;
  process.env.LOCAL_CLOUD_ENDPOINTS = path.join(dataDir, ENDPOINTS_FILE_NAME);
  return async () => {
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    await exited;
    clearTimeout(timer);
    rmSync(dataDir, { recursive: true, force: true });
  };
}

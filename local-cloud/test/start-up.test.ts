import '../vitest-mysql';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { FREE_PORTS_ENV, loadConfig } from '../src/config';
import { startLocalCloud } from '../src/stack';

/** How local-cloud refuses to start, clearly and without leaving anything running. */
const repoRoot = path.resolve(__dirname, '..', '..');
let dataDir: string;
let blocker: net.Server;
let takenPort: number;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'local-cloud-start-'));
  blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  takenPort = (blocker.address() as net.AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => blocker.close(resolve));
  await rm(dataDir, { recursive: true, force: true });
});

function config(overrides: Record<string, string>) {
  return loadConfig(repoRoot, {
    LOCAL_CLOUD_DATA_DIR: dataDir,
    ...FREE_PORTS_ENV,
    MYSQL_URL: inject('mysqlUrl'),
    PATH: process.env.PATH ?? '',
    ...overrides,
  });
}

describe('a taken port', () => {
  it.each([
    ['ORDER_API_PORT'],
    ['DELIVERY_API_PORT'],
    ['LOCAL_CLOUD_AWS_PORT'],
    ['LOCAL_CLOUD_KUBE_PORT'],
    ['LOCAL_CLOUD_OTLP_PORT'],
  ])('names the port and %s, and starts nothing', async (variable) => {
    await expect(startLocalCloud(config({ [variable]: String(takenPort) }), pino({ level: 'silent' }))).rejects.toThrow(
      `Port ${takenPort} on 127.0.0.1 is already in use. Set ${variable} to use another port.`,
    );
  });

  it('names LOCAL_CLOUD_MYSQL_PORT before trying to start a private server there', async () => {
    const withoutUrl = { ...config({ LOCAL_CLOUD_MYSQL_PORT: String(takenPort) }) };
    delete withoutUrl.mysqlUrl;
    await expect(startLocalCloud(withoutUrl, pino({ level: 'silent' }))).rejects.toThrow(/Set LOCAL_CLOUD_MYSQL_PORT/);
  });
});

describe('a second local-cloud on the same data directory', () => {
  it('is refused while the first one runs, naming its pid', async () => {
    await writeFile(path.join(dataDir, 'local-cloud.pid'), String(process.ppid));
    await expect(startLocalCloud(config({}), pino({ level: 'silent' }))).rejects.toThrow(
      `local-cloud is already running (pid ${process.ppid})`,
    );
    await rm(path.join(dataDir, 'local-cloud.pid'));
  });

  it('is not blocked by an empty lock file or an empty pids.json that a crash left', async () => {
    await writeFile(path.join(dataDir, 'local-cloud.pid'), '');
    await mkdir(path.join(dataDir, 'run'), { recursive: true });
    await writeFile(path.join(dataDir, 'run', 'pids.json'), '');
    // It gets as far as the ports: the taken one is what stops it, not the leftovers.
    await expect(
      startLocalCloud(config({ ORDER_API_PORT: String(takenPort) }), pino({ level: 'silent' })),
    ).rejects.toThrow(`Port ${takenPort} on 127.0.0.1 is already in use`);
  });
});

describe('bad configuration', () => {
  it('lists every bad variable', () => {
    const error = (() => {
      try {
        loadConfig(repoRoot, { ORDER_API_PORT: 'eighty', APP_PREFIX: 'Bad_Prefix' });
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    })();
    expect(error).toContain('ORDER_API_PORT');
    expect(error).toContain('APP_PREFIX');
    expect(() => loadConfig(repoRoot, { ORDER_API_PORT: '70000' })).toThrow(/ORDER_API_PORT/);
  });
});

import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import type { ServerBinary } from './find-server';

const run = promisify(execFile);

export interface PrivateServerOptions {
  binary: ServerBinary;
  /** Created and initialised if it holds no server yet; reused otherwise. */
  dataDir: string;
  port: number;
  /** How long to wait for the server to answer before giving up. */
  startTimeoutMs?: number;
}

export interface PrivateServer {
  url: string;
  port: number;
  pid: number;
  /** The command line it runs with (for leftover detection). */
  argv: string[];
  stop(): Promise<void>;
}

/** Server flags: loopback only, utf8mb4, room for two pools of 30 plus tests, no system files. */
function serverArgs(options: PrivateServerOptions, socket: string, logFile: string): string[] {
  const args = [
    '--no-defaults',
    `--datadir=${options.dataDir}`,
    `--port=${options.port}`,
    '--bind-address=127.0.0.1',
    `--socket=${socket}`,
    `--pid-file=${path.join(options.dataDir, 'server.pid')}`,
    `--log-error=${logFile}`,
    '--skip-name-resolve',
    '--character-set-server=utf8mb4',
    '--collation-server=utf8mb4_unicode_ci',
    '--max-connections=1000',
    '--innodb-buffer-pool-size=256M',
  ];
  if (options.binary.flavor === 'mysql') args.push('--mysqlx=OFF', '--skip-log-bin');
  // Both servers refuse to run as root unless told to, and ignore --user otherwise.
  if (process.getuid?.() === 0) args.push('--user=root');
  return args;
}

async function initialiseDataDir(binary: ServerBinary, dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  const rootUser = process.getuid?.() === 0 ? ['--user=root'] : [];
  if (binary.flavor === 'mariadb' && binary.installDb) {
    await run(binary.installDb, [
      '--no-defaults',
      `--datadir=${dataDir}`,
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
      ...rootUser,
    ]);
  } else {
    await run(binary.server, ['--no-defaults', '--initialize-insecure', `--datadir=${dataDir}`, ...rootUser]);
  }
}

async function tail(file: string, lines = 15): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * Starts a MariaDB/MySQL server that belongs to us alone: its own data directory, a loopback port,
 * no option files read. Resolves once `SELECT 1` answers; `stop()` shuts it down cleanly.
 */
export async function startPrivateServer(options: PrivateServerOptions): Promise<PrivateServer> {
  const { binary, dataDir, port } = options;
  if (!existsSync(path.join(dataDir, 'mysql'))) await initialiseDataDir(binary, dataDir);

  // A unix socket path must stay under ~100 bytes, so it never lives in a deep data directory.
  const socket = path.join(os.tmpdir(), `appsignals-demo-mysql-${port}.sock`);
  const logFile = path.join(dataDir, 'server.log');
  const args = serverArgs(options, socket, logFile);
  const child = spawn(binary.server, args, { stdio: 'ignore', detached: true });
  const exited = new Promise<never>((_, reject) => {
    child.once('exit', (code, signal) => {
      void tail(logFile).then((log) =>
        reject(new Error(`${binary.server} exited (code ${code}, signal ${signal}) before answering:\n${log}`)),
      );
    });
    child.once('error', reject);
  });
  exited.catch(() => undefined);

  const url = `mysql://root@127.0.0.1:${port}/`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  for (;;) {
    const answered = await Promise.race([ping(url), exited]);
    if (answered) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`MySQL on port ${port} did not answer within the start timeout:\n${await tail(logFile)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }

  let stopping: Promise<void> | undefined;
  return {
    url,
    port,
    pid: child.pid ?? -1,
    argv: [binary.server, ...args],
    stop() {
      stopping ??= (async () => {
        child.kill('SIGTERM');
        if (!(await waitForExit(child, 30_000))) {
          child.kill('SIGKILL');
          await waitForExit(child, 5_000);
        }
      })();
      return stopping;
    },
  };
}

async function ping(url: string): Promise<boolean> {
  try {
    const connection = await mysql.createConnection({ uri: url, connectTimeout: 1000 });
    try {
      await connection.query('SELECT 1');
      return true;
    } finally {
      await connection.end();
    }
  } catch {
    return false;
  }
}

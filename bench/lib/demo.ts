import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ENDPOINTS_FILE_NAME, parseEndpointsFile, type LocalEndpoints } from '@demo/contracts';
import { FREE_PORTS_ENV } from '@demo/local-cloud';
import { REPO_ROOT } from './processes';

export interface Demo {
  consoleUrl: string;
  orderApiUrl: string;
  /** local-cloud's OTLP receiver (also its `/api/status`). */
  otlpUrl: string;
  /** The process `npm run demo` leads (its group holds local-cloud and everything it started). */
  child: ChildProcess;
  /** Milliseconds from spawning `npm run demo` to the console's cockpit answering 200. */
  readyMs: number;
  dataDir: string;
  stop(): Promise<void>;
}

/** Demos running now: a benchmark stopped by Ctrl-C or a kill stops them before it exits. */
const running = new Set<() => Promise<void>>();
let stopOnSignal = false;

/**
 * Its own process group does not get the signal that stops the benchmark, so without this a
 * killed run would leave local-cloud, MySQL and the workloads behind.
 */
function stopDemosOnSignal(): void {
  if (stopOnSignal) return;
  stopOnSignal = true;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping the demo${running.size === 1 ? '' : 's'} this benchmark started...`);
      void Promise.allSettled([...running].map((stop) => stop())).then(() => process.exit(130));
    });
  }
}

/**
 * `npm run demo` exactly as a presenter types it, on free ports and a temporary data directory
 * (so a benchmark never touches a presenter's `.demo/`). Ready means the cockpit page answers 200.
 */
export async function startDemo(options: {
  path: string;
  home: string;
  logFile: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}): Promise<Demo> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'bench-demo-'));
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const started = performance.now();
  const child = spawn('npm', ['run', '--silent', 'demo'], {
    cwd: REPO_ROOT,
    // Its own process group, so stop() reaches npm, the demo script and local-cloud together.
    detached: true,
    env: {
      PATH: options.path,
      HOME: options.home,
      NEXT_TELEMETRY_DISABLED: '1',
      LOCAL_CLOUD_DATA_DIR: dataDir,
      ...FREE_PORTS_ENV,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  stopDemosOnSignal();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    running.delete(stop);
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(-child.pid!, 'SIGINT');
      const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 60_000);
      await exited;
      clearTimeout(timer);
    }
    log.end();
    await rm(dataDir, { recursive: true, force: true });
  };
  running.add(stop);

  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  try {
    let endpoints: LocalEndpoints | undefined;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`npm run demo exited during start-up; see ${options.logFile}`);
      if (Date.now() > deadline) throw new Error(`npm run demo was not ready in time; see ${options.logFile}`);
      endpoints ??= await readEndpoints(dataDir);
      if (endpoints?.CONSOLE_URL) {
        const ok = await fetch(endpoints.CONSOLE_URL).then(
          (response) => response.status === 200,
          () => false,
        );
        if (ok) {
          return {
            consoleUrl: endpoints.CONSOLE_URL,
            orderApiUrl: endpoints.ORDER_API_URL,
            otlpUrl: endpoints.OTEL_EXPORTER_OTLP_ENDPOINT,
            child,
            readyMs: performance.now() - started,
            dataDir,
            stop,
          };
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } catch (error) {
    await stop();
    throw error;
  }
}

async function readEndpoints(dataDir: string): Promise<LocalEndpoints | undefined> {
  try {
    const text = await readFile(path.join(dataDir, ENDPOINTS_FILE_NAME), 'utf8');
    return parseEndpointsFile(text);
  } catch {
    return undefined;
  }
}

/** Resident memory of one process, from /proc (Linux), in MiB. */
export async function residentMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]);
  return kib / 1024;
}

/** The local-cloud process under `npm run demo` (npm -> demo script -> local-cloud/dist/main.js). */
export async function findLocalCloudPid(groupLeader: number): Promise<number> {
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const processGroup = Number(fields[2]);
      if (processGroup !== groupLeader) continue;
      const cmdline = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).split('\0');
      if (cmdline.some((arg) => arg.endsWith('local-cloud/dist/main.js'))) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  throw new Error('local-cloud process not found under npm run demo');
}

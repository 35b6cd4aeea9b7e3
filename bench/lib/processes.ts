import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '@demo/local-cloud';

export const REPO_ROOT = path.resolve(__dirname, '../..');

export interface Service {
  url: string;
  pid: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts a Node program (a built service, or one of bench/servers/) on a free port, its output to
 * `logFile`, and waits until `readyPath` answers 200.
 */
export async function startService(options: {
  script: string;
  /** PATH for the child (from the benchmark's config). */
  path: string;
  env?: Record<string, string>;
  nodeArgs?: string[];
  readyPath: string;
  logFile: string;
  timeoutMs?: number;
}): Promise<Service> {
  if (!existsSync(options.script)) throw new Error(`${options.script} is missing: run npm run build first`);
  const port = await freePort();
  // The child writes its log straight to the file (as a container runtime takes stdout): relaying
  // it through this process would cost the benchmark's own CPU, which autocannon shares.
  const log = openSync(options.logFile, 'a');
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.script], {
    env: {
      PATH: options.path,
      AWS_EC2_METADATA_DISABLED: 'true',
      ...options.env,
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${options.script} exited during start-up; see ${options.logFile}`);
    try {
      if ((await fetch(`${url}${options.readyPath}`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${options.script} was not ready within the timeout; see ${options.logFile}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    pid: child.pid!,
    child,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/** The auto-instrumentation the services run under locally (on EKS the operator injects ADOT). */
export const OTEL_REGISTER = ['--require', '@opentelemetry/auto-instrumentations-node/register'];

/** Every request traced and exported over OTLP to `sinkUrl`, as local-cloud configures the services. */
export function tracedEnv(serviceName: string, sinkUrl: string): Record<string, string> {
  return {
    OTEL_SERVICE_NAME: serviceName,
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl,
    OTEL_TRACES_SAMPLER: 'always_on',
    OTEL_METRICS_EXPORTER: 'none',
    OTEL_LOGS_EXPORTER: 'none',
    OTEL_NODE_RESOURCE_DETECTORS: 'env,host,os,process',
    OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http,undici,express,mysql2,pino,aws-sdk',
  };
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of /proc/PID/stat (12 and 13 after the name), in clock ticks.
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}
const CLOCK_TICKS = 100;

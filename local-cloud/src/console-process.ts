import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { LocalCloudConfig } from './config';
import { freePort } from './net/free-port';
import { LOCAL_CREDENTIALS, type Endpoints } from './endpoints';
import type { PidRegistry } from './workloads/pid-registry';

export interface ConsoleProcess {
  url: string;
  stop(): Promise<void>;
}

/**
 * The presenter's console, as `next start` in console/, pointed at this local-cloud through the
 * same variables the aws CLI would use. Started with Next's own entry point (not npx), so the PID
 * we hold is the server's. Undefined when the console has not been built.
 */
export async function startConsole(
  config: LocalCloudConfig,
  endpoints: Endpoints,
  registry: PidRegistry,
  logger: Logger,
): Promise<ConsoleProcess | undefined> {
  const dir = path.join(config.repoRoot, 'console');
  const next = path.join(config.repoRoot, 'node_modules', 'next', 'dist', 'bin', 'next');
  if (!existsSync(path.join(dir, '.next', 'BUILD_ID')) || !existsSync(next)) {
    logger.warn('console not built (npm run build): running without it');
    return undefined;
  }
  const port = config.ports.console === 0 ? await freePort() : config.ports.console;
  const host = config.consoleEnv.CONSOLE_HOST ?? config.host;
  const argv = [process.execPath, next, 'start', '-p', String(port), '-H', host];
  const child = spawn(argv[0] ?? process.execPath, argv.slice(1), {
    cwd: dir,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...config.hostEnv,
      ...config.consoleEnv,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      CONSOLE_TARGET: 'local',
      CONSOLE_HOST: host,
      CONSOLE_PORT: String(port),
      CONSOLE_DATA_DIR: path.join(config.dataDir, 'console'),
      APP_PREFIX: endpoints.prefix,
      AWS_REGION: endpoints.region,
      AWS_ENDPOINT_URL: endpoints.awsUrl,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      KUBECONFIG: endpoints.kubeconfig,
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoints.otlpUrl,
      METRIC_TIMING: endpoints.metricTiming,
      AWS_EC2_METADATA_DISABLED: 'true',
    },
  });
  if (child.pid) registry.add(child.pid, argv);
  const lines: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      lines.push(...chunk.split('\n').filter(Boolean));
      lines.splice(0, Math.max(0, lines.length - 200));
      if (config.workloadLogs) process.stdout.write(chunk.replace(/^/gm, '[console] '));
    });
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the console exited during start-up:\n${lines.slice(-20).join('\n')}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the console did not answer within 60 s:\n${lines.slice(-20).join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  // The first page render builds the console's server context; do it now rather than on stage.
  await fetch(`${url}/api/target`).catch(() => undefined);
  return {
    url,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      if (child.pid) registry.remove(child.pid);
    },
  };
}

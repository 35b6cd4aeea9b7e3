import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';

/** The built console as `next start` runs it, for suites that talk to it over HTTP. */
const repoRoot = path.resolve(__dirname, '..');
const next = path.join(repoRoot, 'node_modules', 'next', 'dist', 'bin', 'next');

/** False until `npm run build` built the console (npm test does). */
export const consoleBuilt = existsSync(path.join(repoRoot, 'console', '.next', 'BUILD_ID'));

export interface ConsoleProcess {
  child: ChildProcess;
  exited: Promise<number | null>;
  output(): string;
}

/** Starts `next start` with exactly this environment (plus PATH and production settings). */
export function spawnConsole(argv: string[], env: Record<string, string>): ConsoleProcess {
  const child = spawn(process.execPath, [next, 'start', ...argv], {
    cwd: path.join(repoRoot, 'console'),
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** One request to 127.0.0.1:port; node:http, because fetch cannot forge a Host header. */
export function request(
  port: number,
  pathname: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: pathname,
        method: options.method ?? 'GET',
        headers: { host: `127.0.0.1:${port}`, ...options.headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.once('error', reject);
    req.end(options.body);
  });
}

/** Resolves once the console answers /api/health at all. */
export async function waitForAnswer(port: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await request(port, '/api/health');
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`console on ${port} did not answer`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

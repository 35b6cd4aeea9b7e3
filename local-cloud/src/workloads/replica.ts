import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';

/** How local-cloud runs one container: a process on its own port. */
export interface ProcessSpec {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** Polled on the replica's port; without one the replica is ready once it runs (as in Kubernetes). */
  readinessPath?: string;
  /** The probe's period once ready (the container's readinessProbe.periodSeconds). */
  readinessPeriodMs?: number;
}

export type ContainerState =
  | { kind: 'waiting'; reason: 'ContainerCreating' | 'CrashLoopBackOff'; message?: string }
  | { kind: 'running'; startedAt: Date }
  | { kind: 'terminated'; exitCode: number | null; signal: string | null; finishedAt: Date };

export interface ReplicaOptions {
  name: string;
  templateHash: string;
  port: number;
  spec: ProcessSpec;
  terminationGraceMs: number;
  onChange: () => void;
  onSpawn?: (pid: number, argv: string[]) => void;
  onExit?: (pid: number) => void;
  onLog?: (replica: string, line: string) => void;
}

const LOG_LINES = 1000;
const FAILURE_THRESHOLD = 3;
const MAX_BACKOFF_MS = 30_000;

/**
 * One pod: a child process with a readiness probe. A process that exits on its own is restarted
 * with exponential backoff (1 s, 2 s, ... 30 s) and counted, like a container in CrashLoopBackOff.
 * `terminate()` sends SIGTERM and, after the grace period, SIGKILL.
 */
export class Replica {
  readonly name: string;
  readonly templateHash: string;
  readonly port: number;
  readonly createdAt = new Date();
  ready = false;
  deletedAt: Date | undefined;
  restarts = 0;
  state: ContainerState = { kind: 'waiting', reason: 'ContainerCreating' };
  readonly logs: string[] = [];
  /** Resolves once the process is gone for good (after terminate()). */
  readonly gone: Promise<void>;

  private child: ChildProcess | undefined;
  private probeTimer: NodeJS.Timeout | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private killTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private everReady = false;
  private markGone!: () => void;

  constructor(private readonly options: ReplicaOptions) {
    this.name = options.name;
    this.templateHash = options.templateHash;
    this.port = options.port;
    this.gone = new Promise((resolve) => (this.markGone = resolve));
  }

  get terminating(): boolean {
    return this.deletedAt !== undefined;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    const { spec } = this.options;
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      // HOSTNAME is the pod's name, as the kubelet sets it in every container.
      env: { ...spec.env, PORT: String(this.port), HOST: '127.0.0.1', HOSTNAME: this.name },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: Ctrl-C in the terminal reaches local-cloud, which stops replicas in order.
      detached: true,
    });
    this.child = child;
    if (child.pid) this.options.onSpawn?.(child.pid, [spec.command, ...spec.args]);
    this.state = { kind: 'running', startedAt: new Date() };
    this.failures = 0;
    for (const stream of [child.stdout, child.stderr]) {
      let partial = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) this.log(line);
      });
    }
    child.once('error', (error) => this.log(`local-cloud: cannot start ${spec.command}: ${error.message}`));
    child.once('exit', (code, signal) => this.exited(child, code, signal));
    this.options.onChange();
    this.scheduleProbe(0);
  }

  /** SIGTERM now, SIGKILL after the grace period; resolves when the process is gone. */
  terminate(): Promise<void> {
    if (!this.deletedAt) {
      this.deletedAt = new Date();
      this.setReady(false);
      clearTimeout(this.restartTimer);
      clearTimeout(this.probeTimer);
      const child = this.child;
      if (child && child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        this.killTimer = setTimeout(() => child.kill('SIGKILL'), this.options.terminationGraceMs);
      } else {
        this.markGone();
      }
      this.options.onChange();
    }
    return this.gone;
  }

  private log(line: string): void {
    this.logs.push(line);
    if (this.logs.length > LOG_LINES) this.logs.splice(0, this.logs.length - LOG_LINES);
    this.options.onLog?.(this.name, line);
  }

  private exited(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.child) return;
    if (child.pid) this.options.onExit?.(child.pid);
    clearTimeout(this.probeTimer);
    clearTimeout(this.killTimer);
    this.state = { kind: 'terminated', exitCode: code, signal, finishedAt: new Date() };
    this.setReady(false);
    if (this.deletedAt) {
      this.markGone();
      this.options.onChange();
      return;
    }
    // It ended by itself: restart it in place, waiting longer each time it keeps failing.
    const ranFor = Date.now() - this.createdAt.getTime();
    const backoff = ranFor > 10 * 60_000 ? 1000 : Math.min(1000 * 2 ** this.restarts, MAX_BACKOFF_MS);
    this.restarts++;
    this.state = {
      kind: 'waiting',
      reason: 'CrashLoopBackOff',
      message: `exited with ${code ?? signal}; restarting in ${backoff / 1000} s`,
    };
    this.log(`local-cloud: process exited (${code ?? signal}); restart ${this.restarts} in ${backoff} ms`);
    this.options.onChange();
    this.restartTimer = setTimeout(() => this.start(), backoff);
  }

  private setReady(ready: boolean): void {
    if (this.ready === ready) return;
    this.ready = ready;
    if (ready) this.everReady = true;
    this.options.onChange();
  }

  private scheduleProbe(delayMs: number): void {
    clearTimeout(this.probeTimer);
    this.probeTimer = setTimeout(() => void this.probe(), delayMs);
  }

  private async probe(): Promise<void> {
    if (this.terminating || this.state.kind !== 'running') return;
    const path = this.options.spec.readinessPath;
    const ok = path === undefined ? true : await probeOnce(this.port, path);
    if (this.terminating || this.state.kind !== 'running') return;
    if (ok) {
      this.failures = 0;
      this.setReady(true);
    } else if (++this.failures >= FAILURE_THRESHOLD || !this.everReady) {
      this.setReady(false);
    }
    // Start-up is polled fast so a rollout moves on as soon as a replica answers.
    this.scheduleProbe(this.ready ? (this.options.spec.readinessPeriodMs ?? 10_000) : 100);
  }
}

/** One HTTP GET on a fresh connection (a kept-alive probe connection would hold up draining). */
function probeOnce(port: number, path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get({ host: '127.0.0.1', port, path, agent: false, timeout: 1000 }, (response) => {
      response.resume();
      resolve(response.statusCode !== undefined && response.statusCode >= 200 && response.statusCode < 400);
    });
    request.once('timeout', () => request.destroy());
    request.once('error', () => resolve(false));
  });
}

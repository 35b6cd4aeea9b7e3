import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { FromDataPlane, ToDataPlane } from './data-plane-messages';

/** The worker's file: built beside main.js in dist/, else the source beside this module (Node strips its types). */
function workerFile(): string {
  const candidates = ['data-plane-worker.js', 'data-plane-worker.mts'].map((file) => path.join(__dirname, file));
  const found = candidates.find((file) => existsSync(file));
  if (!found) throw new Error(`data-plane worker not found (looked for ${candidates.join(', ')})`);
  return found;
}

interface Listening {
  name: string;
  host: string;
  port: number;
  waitMs: number;
}

/**
 * The Services' stable ports (TCP proxies to the ready replicas), run on a worker thread of their
 * own (data-plane-worker.mts): the main thread carries the Kubernetes API, the AWS endpoint, OTLP
 * ingest and metric queries, and a busy moment there must not delay an order. The main thread
 * only sends the ready replica ports when they change. Should the worker die, a new one takes
 * the same ports again.
 */
export class DataPlane {
  private worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: number) => void; reject: (error: Error) => void }>();
  private readonly listening: Listening[] = [];
  private readonly ready = new Map<string, number[]>();
  private closing = false;
  /** Times the worker died and a new one took its ports again. */
  restarts = 0;

  constructor(private readonly logger: Logger) {
    this.worker = this.spawn();
  }

  /** Listens on a Service's stable port; a taken port rejects with a message naming its variable. */
  async listen(name: string, host: string, port: number, portVariable: string, waitMs = 15_000): Promise<number> {
    try {
      const bound = await this.request({ type: 'listen', name, host, port, waitMs });
      this.listening.push({ name, host, port: bound, waitMs });
      return bound;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
        throw new Error(`Port ${port} on ${host} is already in use. Set ${portVariable} to use another port.`);
      throw error;
    }
  }

  /** The ports of a Service's replicas that may take traffic now (sent only when they change). */
  setReady(name: string, ports: number[]): void {
    const before = this.ready.get(name);
    if (before && before.length === ports.length && before.every((p, i) => p === ports[i])) return;
    this.ready.set(name, [...ports]);
    this.post({ type: 'ready', name, ports });
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.request({ type: 'close' }).catch(() => undefined);
    await this.worker.terminate();
  }

  private spawn(): Worker {
    const worker = new Worker(workerFile());
    worker.on('message', (message: FromDataPlane) => this.receive(message));
    worker.on('error', (error) => this.logger.error({ err: error }, 'data plane: worker failed'));
    worker.on('exit', (code) => {
      if (this.closing || worker !== this.worker) return;
      this.logger.error({ code }, 'data plane: worker exited; starting another on the same ports');
      for (const { reject } of this.pending.values()) reject(new Error('data plane worker exited'));
      this.pending.clear();
      this.worker = this.spawn();
      void this.resume().then(() => this.restarts++);
    });
    return worker;
  }

  /** A new worker: the last ready ports, then the same listeners. */
  private async resume(): Promise<void> {
    for (const [name, ports] of this.ready) this.post({ type: 'ready', name, ports });
    for (const listener of this.listening) {
      try {
        await this.request({ type: 'listen', ...listener });
      } catch (error) {
        this.logger.error({ err: error, service: listener.name }, 'data plane: cannot listen again');
      }
    }
  }

  private receive(message: FromDataPlane): void {
    switch (message.type) {
      case 'listening':
      case 'closed':
        this.pending.get(message.id)?.resolve(message.type === 'listening' ? message.port : 0);
        this.pending.delete(message.id);
        break;
      case 'listen-failed': {
        const error: NodeJS.ErrnoException = new Error(message.message);
        error.code = message.code;
        this.pending.get(message.id)?.reject(error);
        this.pending.delete(message.id);
        break;
      }
      case 'warn':
        this.logger.warn({ service: message.service }, message.message);
        break;
    }
  }

  private request(message: DistributiveOmit<Extract<ToDataPlane, { id: number }>, 'id'>): Promise<number> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.post({ ...message, id });
    });
  }

  private post(message: ToDataPlane): void {
    this.worker.postMessage(message);
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';

export interface GracefulShutdownOptions {
  logger: Logger;
  /** Longest drain before open connections are cut. */
  timeoutMs: number;
  /** While draining, a kept-alive connection idle this long is closed (see below). */
  idleCloseMs?: number;
  /** Stops the server (cutting what is still open) and closes what the process holds. */
  stop: () => Promise<void>;
}

interface Tracked {
  activeRequests: number;
  idleSince: number;
}

/**
 * Drains a server without losing a request, the way a rolling restart needs it:
 *
 * 1. `draining` turns true: readiness answers 503 and every response carries `Connection: close`,
 *    so a client on a kept-alive connection gets its answer and then reconnects elsewhere.
 * 2. It waits until every connection is gone. Busy connections close after their response. An
 *    idle one is closed once it has stayed idle for `idleCloseMs` since draining began. Closing
 *    idle connections at once, as `server.close()` does, races with a client that is sending on
 *    one at that moment; a connection nobody used for a while is far less likely to be picked.
 * 3. Then, or after `timeoutMs`, `stop()` closes the server, cuts what is left and closes pools.
 */
export class GracefulShutdown {
  private readonly sockets = new Map<Socket, Tracked>();
  private shuttingDown: Promise<void> | undefined;
  draining = false;

  constructor(private readonly options: GracefulShutdownOptions) {}

  /** Follows a server's connections; call it right after the server starts listening. */
  track(server: Server): void {
    server.on('connection', (socket: Socket) => {
      this.sockets.set(socket, { activeRequests: 0, idleSince: Date.now() });
      socket.once('close', () => this.sockets.delete(socket));
    });
    server.on('request', (req: { socket: Socket }, res: { once(event: 'close', fn: () => void): void }) => {
      const tracked = this.sockets.get(req.socket);
      if (!tracked) return;
      tracked.activeRequests++;
      res.once('close', () => {
        tracked.activeRequests--;
        tracked.idleSince = Date.now();
      });
    });
  }

  /** Registers SIGTERM and SIGINT; calls `exit` with the code once drained. */
  installSignalHandlers(exit: (code: number) => void): void {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        this.options.logger.info({ signal }, 'shutdown requested: draining');
        this.shutdown().then(
          () => exit(0),
          (error: unknown) => {
            this.options.logger.error({ err: error }, 'shutdown failed');
            exit(1);
          },
        );
      });
    }
  }

  get openConnections(): number {
    return this.sockets.size;
  }

  shutdown(): Promise<void> {
    this.shuttingDown ??= this.run();
    return this.shuttingDown;
  }

  private async run(): Promise<void> {
    const { logger, timeoutMs, idleCloseMs = 2000 } = this.options;
    const started = Date.now();
    this.draining = true;
    let closedIdle = 0;
    while (this.sockets.size > 0 && Date.now() - started < timeoutMs) {
      const now = Date.now();
      for (const [socket, tracked] of this.sockets) {
        const idleFor = now - Math.max(tracked.idleSince, started);
        if (tracked.activeRequests === 0 && idleFor >= idleCloseMs) {
          socket.end();
          this.sockets.delete(socket);
          closedIdle++;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const cut = this.sockets.size;
    await this.options.stop();
    logger.info(
      { drained_ms: Date.now() - started, idle_closed: closedIdle, connections_cut: cut },
      'shutdown complete',
    );
  }
}

/** Stops a plain node:http server and cuts its remaining connections. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

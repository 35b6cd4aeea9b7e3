import net from 'node:net';
import type { Logger } from 'pino';
import { listen } from '../http/listen';

/**
 * The stable port of a Service: each incoming connection goes to the next ready replica (round
 * robin), like kube-proxy. While no replica is ready a connection waits (up to `waitMs`) instead
 * of being refused, so clients ride through the gaps of a restart.
 */
export class TcpProxy {
  private readonly server: net.Server;
  private readonly connections = new Set<net.Socket>();
  private next = 0;
  port = 0;

  constructor(
    private readonly name: string,
    private readonly readyPorts: () => number[],
    private readonly logger: Logger,
    private readonly waitMs = 15_000,
  ) {
    this.server = net.createServer({ pauseOnConnect: true }, (client) => void this.route(client));
  }

  async listen(host: string, port: number, portVariable: string): Promise<number> {
    this.port = await listen(this.server, port, host, portVariable);
    return this.port;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      for (const socket of this.connections) socket.destroy();
    });
  }

  private async pick(client: net.Socket): Promise<number | undefined> {
    const deadline = Date.now() + this.waitMs;
    for (;;) {
      const ports = this.readyPorts();
      if (ports.length > 0) return ports[this.next++ % ports.length];
      if (client.destroyed || Date.now() > deadline) return undefined;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  private async route(client: net.Socket): Promise<void> {
    this.connections.add(client);
    client.once('close', () => this.connections.delete(client));
    client.on('error', () => client.destroy());
    const port = await this.pick(client);
    if (port === undefined) {
      this.logger.warn({ service: this.name }, 'no ready replica: connection closed');
      client.destroy();
      return;
    }
    const upstream = net.connect({ host: '127.0.0.1', port });
    this.connections.add(upstream);
    // A normal close is passed on gracefully (end), so bytes still buffered reach the client;
    // only errors cut both sides.
    upstream.once('close', () => {
      this.connections.delete(upstream);
      client.end();
    });
    upstream.on('error', () => {
      upstream.destroy();
      client.destroy();
    });
    client.on('error', () => upstream.destroy());
    client.once('close', () => upstream.destroy());
    upstream.once('connect', () => {
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
  }
}

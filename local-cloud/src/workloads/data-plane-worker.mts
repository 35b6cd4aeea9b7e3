// The data plane: the Services' stable ports, in a worker thread of their own, so a connection to
// the Order API never waits behind a metric query, an OTLP batch or a Kubernetes call on the main
// thread. The main thread only tells it which replica ports are ready (data-plane.ts).
//
// This file runs as it is: Node strips its types (so: erasable syntax only, no parameter properties
// or enums; .mts, so Node knows it for an ES module instead of guessing and warning) and it imports
// nothing of ours, in the source tree and in dist/ alike.
import net from 'node:net';
import { parentPort } from 'node:worker_threads';
import type { FromDataPlane, ToDataPlane } from './data-plane-messages';

if (!parentPort) throw new Error('data-plane-worker runs as a worker thread');
const port = parentPort;
const send = (message: FromDataPlane) => port.postMessage(message);
/** Ready replica ports per Service, as the main thread last said. */
const readyPorts = new Map<string, number[]>();

/**
 * The stable port of one Service: each incoming connection goes to the next ready replica (round
 * robin), like kube-proxy. While no replica is ready a connection waits (up to `waitMs`) instead
 * of being refused, so clients ride through the gaps of a restart; a replica that refuses the
 * connection (it just exited) is skipped for another.
 */
class ServiceProxy {
  readonly server: net.Server;
  readonly connections = new Set<net.Socket>();
  private next = 0;
  private readonly name: string;
  private readonly waitMs: number;

  constructor(name: string, waitMs: number) {
    this.name = name;
    this.waitMs = waitMs;
    this.server = net.createServer({ pauseOnConnect: true }, (client) => this.accept(client));
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      for (const socket of this.connections) socket.destroy();
    });
  }

  private accept(client: net.Socket): void {
    this.connections.add(client);
    client.once('close', () => this.connections.delete(client));
    client.on('error', () => client.destroy());
    this.route(client, Date.now() + this.waitMs, undefined);
  }

  private pick(refused: number | undefined): number | undefined {
    const ready = readyPorts.get(this.name) ?? [];
    const candidates = ready.length > 1 ? ready.filter((p) => p !== refused) : ready;
    if (candidates.length === 0) return undefined;
    return candidates[this.next++ % candidates.length];
  }

  private route(client: net.Socket, deadline: number, refused: number | undefined): void {
    if (client.destroyed) return;
    const target = this.pick(refused);
    if (target === undefined) {
      if (Date.now() > deadline) {
        send({ type: 'warn', service: this.name, message: 'no ready replica: connection closed' });
        client.destroy();
      } else {
        setTimeout(() => this.route(client, deadline, undefined), 50);
      }
      return;
    }
    const upstream = net.connect({ host: '127.0.0.1', port: target });
    this.connections.add(upstream);
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      upstream.destroy();
      // Nothing was sent yet: the client never knows it was tried elsewhere.
      if (!connected && error.code === 'ECONNREFUSED') this.route(client, deadline, target);
      else client.destroy();
    });
    // A normal close is passed on gracefully (end), so bytes still buffered reach the client;
    // only errors cut both sides.
    upstream.once('close', () => {
      this.connections.delete(upstream);
      if (connected) client.end();
    });
    client.once('close', () => upstream.destroy());
  }
}

const proxies = new Map<string, ServiceProxy>();

function listen(message: Extract<ToDataPlane, { type: 'listen' }>): void {
  const proxy = new ServiceProxy(message.name, message.waitMs);
  const onError = (error: NodeJS.ErrnoException) =>
    send({ type: 'listen-failed', id: message.id, code: error.code ?? '', message: error.message });
  proxy.server.once('error', onError);
  proxy.server.listen(message.port, message.host, () => {
    proxy.server.off('error', onError);
    proxies.set(message.name, proxy);
    const address = proxy.server.address();
    send({ type: 'listening', id: message.id, port: typeof address === 'object' && address ? address.port : 0 });
  });
}

port.on('message', (message: ToDataPlane) => {
  switch (message.type) {
    case 'listen':
      listen(message);
      break;
    case 'ready':
      readyPorts.set(message.name, message.ports);
      break;
    case 'close':
      void Promise.all([...proxies.values()].map((proxy) => proxy.close())).then(() =>
        send({ type: 'closed', id: message.id }),
      );
      break;
  }
});

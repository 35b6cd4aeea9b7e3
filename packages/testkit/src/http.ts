import net from 'node:net';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Listens on a free loopback port; resolves with the server and its base URL. */
export function listenOnFreePort(
  listen: (port: number, host: string, callback: () => void) => Server,
): Promise<{ server: Server; url: string }> {
  return new Promise((resolve) => {
    const server = listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}` });
    });
  });
}

export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: tests assert on that
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

export async function getJson(url: string): Promise<{ status: number; body: unknown; headers: Headers }> {
  const response = await fetch(url);
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: tests assert on that
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

/**
 * Opens a raw TCP connection to a server, writes `bytes` (and then nothing more, like a stalled or
 * malicious client), and resolves with everything the server sent once it closes the connection.
 * Rejects if the server keeps the connection open past `withinMs`.
 */
export function stallAfter(url: string, bytes: string, withinMs: number): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server held a stalled connection for over ${withinMs} ms`));
    }, withinMs);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
    socket.write(bytes);
  });
}

/**
 * Opens `count` TCP connections at once and sends one GET on each. Resolves, per connection, with
 * whether the server answered it or closed it unanswered; the connections stay open until `close`.
 */
export async function crowd(
  url: string,
  count: number,
): Promise<{ outcomes: ('answered' | 'closed')[]; close: () => void }> {
  const { hostname, port } = new URL(url);
  const sockets: net.Socket[] = [];
  const outcomes = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<'answered' | 'closed'>((resolve) => {
          const socket = net.connect(Number(port), hostname, () => {
            socket.write(`GET / HTTP/1.1\r\nHost: ${hostname}:${port}\r\n\r\n`);
          });
          sockets.push(socket);
          socket.once('data', () => resolve('answered'));
          socket.on('error', () => undefined);
          socket.once('close', () => resolve('closed'));
        }),
    ),
  );
  return { outcomes, close: () => sockets.forEach((socket) => socket.destroy()) };
}

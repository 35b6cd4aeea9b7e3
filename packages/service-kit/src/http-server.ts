import http from 'node:http';
import type { z } from 'zod';
import type { httpLimitsEnv } from './env';

/** The limits every service's HTTP server runs with (see httpLimitsEnv). */
export interface HttpLimits {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  socketTimeoutMs: number;
  maxConnections: number;
}

export function httpLimitsFrom(e: z.output<typeof httpLimitsEnv>): HttpLimits {
  return {
    headersTimeoutMs: Math.min(e.HTTP_HEADERS_TIMEOUT_MS, e.HTTP_REQUEST_TIMEOUT_MS),
    requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
    keepAliveTimeoutMs: e.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    socketTimeoutMs: e.HTTP_SOCKET_TIMEOUT_MS,
    maxConnections: e.HTTP_MAX_SERVER_CONNECTIONS,
  };
}

/**
 * An http.Server with the limits applied. Node checks the header and request timeouts on a
 * timer (30 s by default), so a 10 s limit could hold for 40 s; here it is checked every second.
 */
export function createHttpServer(limits: HttpLimits, handler: http.RequestListener): http.Server {
  const server = http.createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: 1000,
    },
    handler,
  );
  server.setTimeout(limits.socketTimeoutMs);
  server.maxConnections = limits.maxConnections;
  return server;
}

import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { readBody } from '../http/read-body';
import { closeHttpServer, listen } from '../http/listen';
import { dispatchJson, type JsonService } from './json-protocol';
import { dispatchRest, RestRouter, type RestService } from './rest-protocol';

export interface AwsEndpointOptions {
  host: string;
  port: number;
  jsonServices: JsonService[];
  restServices?: RestService[];
  logger: Logger;
}

export interface AwsEndpoint {
  url: string;
  port: number;
  close(): Promise<void>;
}

function unknownRequest(res: ServerResponse, message: string): void {
  const body = JSON.stringify({ __type: 'UnknownOperationException', message });
  res.writeHead(404, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * One endpoint for every emulated AWS service (AWS_ENDPOINT_URL). JSON-protocol services are
 * told apart by the X-Amz-Target prefix, REST-JSON services by method and path.
 */
export async function startAwsEndpoint(options: AwsEndpointOptions): Promise<AwsEndpoint> {
  const byPrefix = new Map(options.jsonServices.map((service) => [service.targetPrefix, service]));
  const rest = new RestRouter(options.restServices ?? []);
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    const target = req.headers['x-amz-target'];
    if (typeof target === 'string' && req.method === 'POST') {
      const dot = target.lastIndexOf('.');
      const service = byPrefix.get(target.slice(0, dot));
      if (service) {
        await dispatchJson(service, target.slice(dot + 1), req, res, body, options.logger);
        return;
      }
      options.logger.warn({ target }, 'unknown AWS target');
      unknownRequest(res, `No emulated service for X-Amz-Target ${target}`);
      return;
    }
    const url = new URL(req.url ?? '/', 'http://local');
    const match = rest.match(req.method ?? 'GET', url.pathname);
    if (match) {
      await dispatchRest(match, url.searchParams, body, res, options.logger);
      return;
    }
    options.logger.warn({ method: req.method, path: url.pathname }, 'unknown AWS request');
    unknownRequest(res, `No emulated operation for ${req.method} ${url.pathname}`);
  };
  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      options.logger.error({ err: error }, 'aws endpoint failed');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ __type: 'InternalFailure', message: 'local-cloud internal error' }));
    });
  });
  const port = await listen(server, options.port, options.host, 'LOCAL_CLOUD_AWS_PORT');
  return { url: `http://${options.host}:${port}`, port, close: () => closeHttpServer(server) };
}

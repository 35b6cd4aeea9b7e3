import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { readRawBody } from '../http/read-body';
import { closeHttpServer, listen } from '../http/listen';
import { refuseForeignHost } from '../http/loopback-host';
import { verifySigV4, type LocalCredentials, type SigV4Refusal } from './sigv4';
import { dispatchJson } from './json-protocol';
import type { RpcService } from './rpc-service';
import { dispatchRest, RestRouter, type RestService } from './rest-protocol';
import { dispatchQuery, sendQueryError } from './query-protocol';
import { CBOR_PATH, dispatchCbor, sendCborError } from './cbor-protocol';
import { AwsError } from './errors';

export interface AwsEndpointOptions {
  host: string;
  port: number;
  rpcServices: RpcService[];
  restServices?: RestService[];
  /** The one access key every request must be signed with (SigV4), as AWS requires. */
  credentials: LocalCredentials;
  logger: Logger;
}

export interface AwsEndpoint {
  url: string;
  port: number;
  close(): Promise<void>;
}

type Protocol = 'json' | 'rest' | 'query' | 'cbor';

/**
 * A refused signature in the protocol's error shape: JSON protocols answer 400 with `__type`,
 * REST-JSON services 403 with `x-amzn-errortype`, awsQuery 403 in XML, RPC v2 CBOR 400 in CBOR, as
 * AWS does. The SDKs and CLIs raise it as that error.
 */
function refuse(res: ServerResponse, protocol: Protocol, refusal: SigV4Refusal): void {
  if (protocol === 'query') {
    sendQueryError(
      res,
      { xmlNamespace: 'http://monitoring.amazonaws.com/doc/2010-08-01/' },
      new AwsError(refusal.code, refusal.message, 403),
    );
    return;
  }
  if (protocol === 'cbor') {
    sendCborError(res, 'com.amazonaws.cloudwatch', new AwsError(refusal.code, refusal.message, 400));
    return;
  }
  const json = protocol === 'json';
  const body = JSON.stringify(json ? { __type: refusal.code, message: refusal.message } : { message: refusal.message });
  res.writeHead(json ? 400 : 403, {
    'content-type': json ? 'application/x-amz-json-1.1' : 'application/json',
    'content-length': Buffer.byteLength(body),
    'x-amzn-errortype': refusal.code,
    'x-amzn-requestid': crypto.randomUUID(),
  });
  res.end(body);
}

function protocolOf(req: IncomingMessage): Protocol {
  if (typeof req.headers['x-amz-target'] === 'string') return 'json';
  if (req.headers['smithy-protocol'] === 'rpc-v2-cbor') return 'cbor';
  if (isQueryRequest(req)) return 'query';
  return 'rest';
}

/** awsQuery: a form POST to `/` without X-Amz-Target. */
function isQueryRequest(req: IncomingMessage): boolean {
  return (
    req.method === 'POST' &&
    req.headers['x-amz-target'] === undefined &&
    (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')
  );
}

function unknownRequest(res: ServerResponse, message: string): void {
  const body = JSON.stringify({ __type: 'UnknownOperationException', message });
  res.writeHead(404, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * One endpoint for every emulated AWS service (AWS_ENDPOINT_URL). Like AWS it answers only
 * SigV4-signed requests (with the local credentials of endpoints.env), and only under a loopback
 * Host. JSON-protocol services are told apart by the X-Amz-Target prefix, REST-JSON services by
 * method and path.
 */
export async function startAwsEndpoint(options: AwsEndpointOptions): Promise<AwsEndpoint> {
  const byPrefix = new Map(options.rpcServices.map((service) => [service.targetPrefix, service]));
  // awsQuery requests name no service but their API version, which differs between services.
  const byQueryVersion = new Map(
    options.rpcServices.flatMap((service) =>
      service.query ? [[service.query.version, { ...service, query: service.query }] as const] : [],
    ),
  );
  const rest = new RestRouter(options.restServices ?? []);
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (refuseForeignHost(req, res)) return;
    const raw = await readRawBody(req);
    const target = req.headers['x-amz-target'];
    // Nothing is read or changed before the signature checks out (a cross-site text/plain POST
    // from a web page carries none).
    const refusal = verifySigV4(
      { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: raw },
      options.credentials,
    );
    if (refusal) {
      options.logger.warn(
        { code: refusal.code, target, path: req.url },
        'refused an unsigned or wrongly signed AWS request',
      );
      refuse(res, protocolOf(req), refusal);
      return;
    }
    const body = raw.toString('utf8');
    const cborPath = req.headers['smithy-protocol'] === 'rpc-v2-cbor' ? CBOR_PATH.exec(req.url ?? '') : null;
    if (cborPath && req.method === 'POST') {
      const service = byPrefix.get(cborPath[1] ?? '');
      if (service?.shapeNamespace) {
        await dispatchCbor(
          { ...service, shapeNamespace: service.shapeNamespace },
          cborPath[2] ?? '',
          raw,
          res,
          options.logger,
        );
        return;
      }
    }
    if (isQueryRequest(req)) {
      const version = new URLSearchParams(body).get('Version') ?? '';
      const service = byQueryVersion.get(version);
      if (service) {
        await dispatchQuery(service, body, res, options.logger);
        return;
      }
    }
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

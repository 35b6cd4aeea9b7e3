import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { answerTooLarge, BodyTooLargeError, readRawBody } from '../http/read-body';
import { closeHttpServer, listen } from '../http/listen';
import { refuseForeignHost } from '../http/loopback-host';
import { verifySigV4, type LocalCredentials, type SigV4Refusal } from './sigv4';
import { dispatchJson } from './json-protocol';
import type { QueryProtocolSettings, RpcService } from './rpc-service';
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
  /** Requests answered so far, refused ones included (what a client's call rate costs). */
  readonly requestsServed: number;
  close(): Promise<void>;
}

/**
 * What a request asks for, read before anything is verified, so that even a refusal answers in
 * the protocol's own shape: RPC v2 CBOR by path, awsQuery by the form's `Version`, the JSON
 * protocols by X-Amz-Target, REST-JSON by method and path. A CBOR path or a query Version that
 * names no served service is routed as REST, which answers it as unknown.
 */
type Route =
  | { protocol: 'cbor'; service: RpcService; namespace: string; operation: string }
  | { protocol: 'query'; service: RpcService; settings: QueryProtocolSettings; form: URLSearchParams }
  | { protocol: 'json'; target: string }
  | { protocol: 'rest' };

/**
 * A refused signature in the protocol's error shape: JSON protocols answer 400 with `__type`,
 * REST-JSON services 403 with `x-amzn-errortype`, awsQuery 403 in XML, RPC v2 CBOR 400 in CBOR, as
 * AWS does. The SDKs and CLIs raise it as that error.
 */
function refuse(res: ServerResponse, route: Route, refusal: SigV4Refusal): void {
  if (route.protocol === 'query') {
    sendQueryError(res, route.settings, new AwsError(refusal.code, refusal.message, 403));
    return;
  }
  if (route.protocol === 'cbor') {
    sendCborError(res, route.namespace, new AwsError(refusal.code, refusal.message, 400));
    return;
  }
  const json = route.protocol === 'json';
  const body = JSON.stringify(json ? { __type: refusal.code, message: refusal.message } : { message: refusal.message });
  res.writeHead(json ? 400 : 403, {
    'content-type': json ? 'application/x-amz-json-1.1' : 'application/json',
    'content-length': Buffer.byteLength(body),
    'x-amzn-errortype': refusal.code,
    'x-amzn-requestid': crypto.randomUUID(),
  });
  res.end(body);
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
    options.rpcServices.flatMap((service) => (service.query ? [[service.query.version, service] as const] : [])),
  );
  const rest = new RestRouter(options.restServices ?? []);

  const routeOf = (req: IncomingMessage, raw: Buffer): Route => {
    const target = req.headers['x-amz-target'];
    if (req.method !== 'POST') return { protocol: 'rest' };
    if (typeof target === 'string') return { protocol: 'json', target };
    const cborPath = req.headers['smithy-protocol'] === 'rpc-v2-cbor' ? CBOR_PATH.exec(req.url ?? '') : null;
    if (cborPath) {
      const service = byPrefix.get(cborPath[1] ?? '');
      return service?.shapeNamespace
        ? { protocol: 'cbor', service, namespace: service.shapeNamespace, operation: cborPath[2] ?? '' }
        : { protocol: 'rest' };
    }
    if ((req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      const form = new URLSearchParams(raw.toString('utf8'));
      const service = byQueryVersion.get(form.get('Version') ?? '');
      return service?.query ? { protocol: 'query', service, settings: service.query, form } : { protocol: 'rest' };
    }
    return { protocol: 'rest' };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (refuseForeignHost(req, res)) return;
    let raw: Buffer;
    try {
      raw = await readRawBody(req);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      // As AWS's front door answers: before any signature is checked, and in no service's protocol.
      answerTooLarge(
        res,
        'application/json',
        JSON.stringify({ __type: 'RequestEntityTooLargeException', message: error.message }),
      );
      return;
    }
    const route = routeOf(req, raw);
    // Nothing is read or changed before the signature checks out (a cross-site text/plain POST
    // from a web page carries none).
    const refusal = verifySigV4(
      { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: raw },
      options.credentials,
    );
    if (refusal) {
      options.logger.warn(
        { code: refusal.code, protocol: route.protocol, path: req.url },
        'refused an unsigned or wrongly signed AWS request',
      );
      refuse(res, route, refusal);
      return;
    }
    switch (route.protocol) {
      case 'cbor':
        await dispatchCbor(route.service, route.namespace, route.operation, raw, res, options.logger);
        return;
      case 'query':
        await dispatchQuery(route.service, route.settings, route.form, res, options.logger);
        return;
      case 'json': {
        const dot = route.target.lastIndexOf('.');
        const service = byPrefix.get(route.target.slice(0, dot));
        if (service) {
          await dispatchJson(service, route.target.slice(dot + 1), req, res, raw.toString('utf8'), options.logger);
          return;
        }
        options.logger.warn({ target: route.target }, 'unknown AWS target');
        unknownRequest(res, `No emulated service for X-Amz-Target ${route.target}`);
        return;
      }
      case 'rest': {
        const url = new URL(req.url ?? '/', 'http://local');
        const match = rest.match(req.method ?? 'GET', url.pathname);
        if (match) {
          await dispatchRest(match, url.searchParams, raw.toString('utf8'), res, options.logger);
          return;
        }
        options.logger.warn({ method: req.method, path: url.pathname }, 'unknown AWS request');
        unknownRequest(res, `No emulated operation for ${req.method} ${url.pathname}`);
      }
    }
  };
  let requestsServed = 0;
  const server = http.createServer((req, res) => {
    requestsServed++;
    handle(req, res).catch((error: unknown) => {
      options.logger.error({ err: error }, 'aws endpoint failed');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ __type: 'InternalFailure', message: 'local-cloud internal error' }));
    });
  });
  const port = await listen(server, options.port, options.host, 'LOCAL_CLOUD_AWS_PORT');
  return {
    url: `http://${options.host}:${port}`,
    port,
    get requestsServed() {
      return requestsServed;
    },
    close: () => closeHttpServer(server),
  };
}

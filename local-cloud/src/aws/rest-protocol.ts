import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { AwsError } from './errors';
import { toWire } from './json-protocol';

export interface RestRequest {
  query: URLSearchParams;
  body: unknown;
  params: Record<string, string>;
}

export interface RestRoute {
  method: string;
  /** `/slo/{Id}` style; `{Name}` matches one path segment. */
  path: string;
  operation: string;
  handler: (request: RestRequest) => unknown;
}

/** A service on the AWS REST-JSON protocol (Application Signals): routed by method and path. */
export interface RestService {
  name: string;
  routes: RestRoute[];
}

interface CompiledRoute extends RestRoute {
  pattern: RegExp;
  names: string[];
}

export interface RestMatch {
  service: RestService;
  route: RestRoute;
  params: Record<string, string>;
}

export class RestRouter {
  private readonly routes: { service: RestService; route: CompiledRoute }[] = [];

  constructor(services: RestService[]) {
    for (const service of services) {
      for (const route of service.routes) {
        const names: string[] = [];
        const source = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
          names.push(name);
          return '([^/]+)';
        });
        this.routes.push({ service, route: { ...route, pattern: new RegExp(`^${source}$`), names } });
      }
    }
  }

  match(method: string, pathname: string): RestMatch | undefined {
    for (const { service, route } of this.routes) {
      if (route.method !== method) continue;
      const found = route.pattern.exec(pathname);
      if (!found) continue;
      const params = Object.fromEntries(route.names.map((name, i) => [name, decodeURIComponent(found[i + 1] ?? '')]));
      return { service, route, params };
    }
    return undefined;
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': crypto.randomUUID(),
    ...headers,
  });
  res.end(text);
}

/** Runs a matched REST operation; errors go out as status + `x-amzn-errortype` + `{message}`. */
export async function dispatchRest(
  match: RestMatch,
  query: URLSearchParams,
  rawBody: string,
  res: ServerResponse,
  logger: Logger,
): Promise<void> {
  let body: unknown = {};
  if (rawBody.length > 0) {
    try {
      body = JSON.parse(rawBody);
    } catch {
      send(res, 400, { message: 'Request body is not valid JSON' }, { 'x-amzn-errortype': 'SerializationException' });
      return;
    }
  }
  try {
    const output = await match.route.handler({ query, body, params: match.params });
    send(res, 200, toWire(output ?? {}));
  } catch (error) {
    if (error instanceof AwsError) {
      send(res, error.status, { message: error.message, ...error.fields }, { 'x-amzn-errortype': error.code });
      return;
    }
    logger.error({ err: error, operation: `${match.service.name}.${match.route.operation}` }, 'operation failed');
    send(res, 500, { message: 'local-cloud internal error' }, { 'x-amzn-errortype': 'InternalServerException' });
  }
}

import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { Logger } from 'pino';
import { closeHttpServer, listen } from '../http/listen';
import { refuseForeignHost } from '../http/loopback-host';
import { answerTooLarge, BodyTooLargeError, readBody, readRawBody } from '../http/read-body';
import { PROTOBUF_TYPE, ProtobufError, readObject } from './protobuf';
import { deploymentRoutes } from './apps-v1/deployments';
import type { Cluster } from './cluster';
import { namespaceRoutes } from './core-v1/namespaces';
import { podRoutes } from './core-v1/pods';
import { serviceRoutes } from './core-v1/services';
import { discoveryRoutes } from './discovery';
import { KubeError } from './errors';
import { HANDLED, json, type Route } from './routes';
import { createServingCertificate } from './serving-cert';
import { toTable, wantsTable } from './tables';
import { replicaSetRoutes } from './apps-v1/replicasets';
import { eventRoutes } from './core-v1/events';
import { accessReviewDecoders, accessReviewRoutes } from './authorization-v1/access-reviews';
import { openApiRoutes } from './openapi';

/**
 * The Kubernetes API subset local-cloud serves on loopback (HTTPS): discovery, OpenAPI v3,
 * Deployments (get, list, watch, patch, scale), ReplicaSets and Events (get, list, watch),
 * Services (get, list, proxy), Pods (get, list, watch, delete, log, proxy), Namespaces, and
 * SelfSubjectAccessReview/RulesReview.
 * Enough for @kubernetes/client-node and for `kubectl get | describe | wait | rollout restart |
 * rollout status | rollout history | scale | logs | explain | auth can-i`: discovery has kubectl's short names and categories, and a client that asks for a
 * Table (kubectl's `get`) gets one with the kind's real columns (tables.ts). Each API group's
 * routes live in their own folder; this file only dispatches.
 *
 * Every request needs the kubeconfig's bearer token (401 otherwise, as an API server without
 * anonymous access answers) and a loopback Host. TLS because kubectl sends no token over plain
 * HTTP; the certificate is made at start and handed to clients through the kubeconfig.
 *
 * LIMITATIONS: one namespace (`default`); no create/replace/delete of Deployments or Services;
 * ReplicaSets and Events are read-only (the controllers write them); OpenAPI schemas have types
 * but no descriptions; label selectors are equality-based; a Deployment watch replays the last
 * 1,000 events from a recent resourceVersion and answers 410 Expired for an older one, while Pod,
 * ReplicaSet and Event watches send the changes from the moment they start; status follows a patch after a short controller lag
 * (50 ms: the PATCH answer shows the new generation not yet observed);
 * `logs -f` returns what is there and ends; one token, no RBAC (whoever holds it may do everything
 * served).
 */
export interface KubeApiServer {
  url: string;
  port: number;
  /** The server's certificate (PEM), which the kubeconfig names as its certificate authority. */
  certificate: string;
  /** Requests answered so far, refused ones included (what a client's call rate costs). */
  readonly requestsServed: number;
  close(): Promise<void>;
}

/**
 * A protobuf body (kubectl's typed clients send one for the review kinds) in its JSON shape; other
 * kinds are 415, since nothing else here is written in protobuf.
 */
function decodeProtobuf(raw: Buffer): unknown {
  try {
    const { kind, fields } = readObject(raw);
    const decode = accessReviewDecoders[kind];
    if (!decode)
      throw new KubeError(415, 'UnsupportedMediaType', `local-cloud reads ${kind || 'this kind'} as JSON only`);
    return decode(fields);
  } catch (error) {
    if (error instanceof ProtobufError)
      throw new KubeError(400, 'BadRequest', `the request body is not valid protobuf: ${error.message}`);
    throw error;
  }
}

async function dispatch(routes: Route[], req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://local');
  const body = async () => {
    const type = (req.headers['content-type'] ?? 'application/json').split(';')[0]?.trim() ?? '';
    if (type === PROTOBUF_TYPE) return decodeProtobuf(await readRawBody(req));
    if (!/^application\/(json|[a-z.+-]*\+json)$/.test(type))
      throw new KubeError(
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: application/json, ${PROTOBUF_TYPE}`,
      );
    const text = await readBody(req);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new KubeError(400, 'BadRequest', 'the request body is not valid JSON');
    }
  };
  const matching = routes.filter((route) => route.pattern.test(url.pathname));
  const route = matching.find((r) => r.method === req.method);
  if (!route) {
    if (matching.length > 0)
      throw new KubeError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
    throw new KubeError(404, 'NotFound', 'the server could not find the requested resource');
  }
  const params = route.pattern.exec(url.pathname)?.slice(1) ?? [];
  const result = await route.handle({
    req,
    res,
    url,
    params: params.map((p) => (p === undefined ? '' : decodeURIComponent(p))),
    body,
  });
  if (result === HANDLED) return;
  json(res, 200, (wantsTable(req.headers.accept) ? toTable(result) : undefined) ?? result);
}

export async function startKubeApiServer(options: {
  host: string;
  port: number;
  cluster: Cluster;
  /** The bearer token the kubeconfig carries. */
  token: string;
  logger: Logger;
}): Promise<KubeApiServer> {
  const { cluster } = options;
  const routes: Route[] = [
    ...discoveryRoutes(),
    ...namespaceRoutes(cluster),
    ...podRoutes(cluster),
    ...serviceRoutes(cluster),
    ...deploymentRoutes(cluster),
    ...replicaSetRoutes(cluster),
    ...eventRoutes(cluster),
    ...accessReviewRoutes(),
    ...openApiRoutes(),
  ];
  const expected = Buffer.from(`Bearer ${options.token}`);
  const authorised = (req: IncomingMessage) => {
    const given = Buffer.from(req.headers.authorization ?? '');
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
  const tls = createServingCertificate();
  let requestsServed = 0;
  const server = https.createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    requestsServed++;
    if (refuseForeignHost(req, res)) return;
    if (!authorised(req)) {
      req.resume();
      json(res, 401, new KubeError(401, 'Unauthorized', 'Unauthorized').toStatus());
      return;
    }
    dispatch(routes, req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.end();
        return;
      }
      if (error instanceof BodyTooLargeError) {
        const status = new KubeError(413, 'RequestEntityTooLarge', `the request is too large: ${error.message}`);
        answerTooLarge(res, 'application/json', JSON.stringify(status.toStatus()));
        return;
      }
      if (error instanceof KubeError) {
        json(res, error.code, error.toStatus());
        return;
      }
      options.logger.error({ err: error, method: req.method, url: req.url }, 'kube api failed');
      json(res, 500, new KubeError(500, 'InternalError', 'local-cloud internal error').toStatus());
    });
  });
  const port = await listen(server, options.port, options.host, 'LOCAL_CLOUD_KUBE_PORT');
  return {
    url: `https://${options.host}:${port}`,
    port,
    certificate: tls.cert,
    get requestsServed() {
      return requestsServed;
    },
    close: () => closeHttpServer(server),
  };
}

import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { V1Deployment } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { closeHttpServer, listen } from '../http/listen';
import { readBody } from '../http/read-body';
import type { Cluster, DeploymentEvent } from './cluster';
import { KubeError } from './errors';
import { parseSelector } from './selectors';

/**
 * The Kubernetes API subset local-cloud serves on loopback (plain HTTP): discovery, Deployments
 * (get, list, watch, patch, scale), Services, Pods (get, list, delete, log, proxy), Namespaces.
 * Enough for @kubernetes/client-node and for `kubectl get | rollout restart | rollout status |
 * scale | logs`.
 *
 * LIMITATIONS: one namespace (`default`); no create/replace/delete of Deployments or Services; no
 * JSON patch; label selectors are equality-based; watch covers Deployments only and starts from
 * the present (an older resourceVersion gets the current objects as MODIFIED); `logs -f` returns
 * what is there and ends; no authentication (loopback only).
 */

interface Route {
  method: string;
  pattern: RegExp;
  handle: (request: RouteRequest) => unknown;
}

interface RouteRequest {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: string[];
  body: () => Promise<unknown>;
}

/** Tells the dispatcher that the handler already wrote the response. */
const HANDLED = Symbol('handled');

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function list(kind: string, apiVersion: string, resourceVersion: string, items: unknown[]) {
  return { kind, apiVersion, metadata: { resourceVersion }, items };
}

function resources(
  groupVersion: string,
  items: { name: string; kind: string; namespaced: boolean; verbs: string[] }[],
) {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion,
    resources: items.map((item) => ({ singularName: '', ...item })),
  };
}

export interface KubeApiServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startKubeApiServer(options: {
  host: string;
  port: number;
  cluster: Cluster;
  logger: Logger;
}): Promise<KubeApiServer> {
  const { cluster } = options;
  const ns = '([a-z0-9-]+)';
  const name = '([^/]+)';

  const namespaceExists = (namespace: string) => {
    if (!cluster.namespaces.includes(namespace))
      throw new KubeError(404, 'NotFound', `namespaces "${namespace}" not found`, {
        name: namespace,
        kind: 'namespaces',
      });
  };
  const selected = <T extends { metadata?: { labels?: Record<string, string>; name?: string; namespace?: string } }>(
    url: URL,
    items: T[],
  ): T[] => {
    let labels: ReturnType<typeof parseSelector>;
    let fields: ReturnType<typeof parseSelector>;
    try {
      labels = parseSelector(url.searchParams.get('labelSelector'));
      fields = parseSelector(url.searchParams.get('fieldSelector'));
    } catch (error) {
      throw new KubeError(400, 'BadRequest', (error as Error).message);
    }
    return items.filter(
      (item) =>
        labels(item.metadata?.labels ?? {}) &&
        fields({ 'metadata.name': item.metadata?.name, 'metadata.namespace': item.metadata?.namespace }),
    );
  };

  const watchDeployments = (request: RouteRequest, namespace: string | undefined) => {
    const { req, res, url } = request;
    const since = url.searchParams.get('resourceVersion');
    const matches = (object: V1Deployment) =>
      (namespace === undefined || object.metadata?.namespace === namespace) && selected(url, [object]).length === 1;
    res.writeHead(200, {
      'content-type': 'application/json',
      'transfer-encoding': 'chunked',
      'cache-control': 'no-cache',
    });
    const send = (event: DeploymentEvent) => res.write(`${JSON.stringify(event)}\n`);
    for (const object of cluster.listDeployments(namespace).filter(matches)) {
      if (!since || since === '0') send({ type: 'ADDED', object });
      else if (Number(object.metadata?.resourceVersion) > Number(since)) send({ type: 'MODIFIED', object });
    }
    const listener = (event: DeploymentEvent) => {
      if (matches(event.object)) send(event);
    };
    cluster.events.on('deployment', listener);
    const timeoutSeconds = Number(url.searchParams.get('timeoutSeconds') ?? '1800');
    const timer = setTimeout(() => res.end(), Math.max(1, timeoutSeconds) * 1000);
    req.once('close', () => {
      cluster.events.off('deployment', listener);
      clearTimeout(timer);
    });
    return HANDLED;
  };

  const scaleOf = (object: V1Deployment) => ({
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: object.metadata?.name,
      namespace: object.metadata?.namespace,
      uid: object.metadata?.uid,
      resourceVersion: object.metadata?.resourceVersion,
      creationTimestamp: object.metadata?.creationTimestamp,
    },
    spec: { replicas: object.spec?.replicas ?? 0 },
    status: {
      replicas: object.status?.replicas ?? 0,
      selector: Object.entries(object.spec?.selector.matchLabels ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(','),
    },
  });

  const proxyToPod = async (request: RouteRequest) => {
    const [namespace = '', podWithPort = '', rest = ''] = request.params;
    const podName = podWithPort.split(':')[0] ?? '';
    const { replica } = cluster.replica(namespace, podName);
    const path = `/${rest}${request.url.search}`;
    const headers = { ...request.req.headers, host: `127.0.0.1:${replica.port}` };
    delete headers.authorization;
    await new Promise<void>((resolve) => {
      const upstream = http.request(
        { host: '127.0.0.1', port: replica.port, method: request.req.method, path, headers, agent: false },
        (response) => {
          request.res.writeHead(response.statusCode ?? 502, response.headers);
          response.pipe(request.res);
          response.once('end', resolve);
        },
      );
      upstream.once('error', (error) => {
        json(
          request.res,
          503,
          new KubeError(503, 'ServiceUnavailable', `error trying to reach service: ${error.message}`).toStatus(),
        );
        resolve();
      });
      request.req.pipe(upstream);
    });
    return HANDLED;
  };

  const routes: Route[] = [
    {
      method: 'GET',
      pattern: /^\/version$/,
      handle: () => ({
        major: '1',
        minor: '33',
        gitVersion: 'v1.33.0-local-cloud',
        platform: `${process.platform}/${process.arch}`,
      }),
    },
    {
      method: 'GET',
      pattern: /^\/api$/,
      handle: () => ({
        kind: 'APIVersions',
        versions: ['v1'],
        serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }],
      }),
    },
    {
      method: 'GET',
      pattern: /^\/apis$/,
      handle: () => ({
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: [
          {
            name: 'apps',
            versions: [{ groupVersion: 'apps/v1', version: 'v1' }],
            preferredVersion: { groupVersion: 'apps/v1', version: 'v1' },
          },
        ],
      }),
    },
    {
      method: 'GET',
      pattern: /^\/api\/v1$/,
      handle: () =>
        resources('v1', [
          { name: 'namespaces', kind: 'Namespace', namespaced: false, verbs: ['get', 'list'] },
          { name: 'pods', kind: 'Pod', namespaced: true, verbs: ['get', 'list', 'delete'] },
          { name: 'pods/log', kind: 'Pod', namespaced: true, verbs: ['get'] },
          {
            name: 'pods/proxy',
            kind: 'PodProxyOptions',
            namespaced: true,
            verbs: ['get', 'create', 'delete', 'patch', 'update'],
          },
          { name: 'services', kind: 'Service', namespaced: true, verbs: ['get', 'list'] },
        ]),
    },
    {
      method: 'GET',
      pattern: /^\/apis\/apps\/v1$/,
      handle: () =>
        resources('apps/v1', [
          { name: 'deployments', kind: 'Deployment', namespaced: true, verbs: ['get', 'list', 'watch', 'patch'] },
          { name: 'deployments/scale', kind: 'Scale', namespaced: true, verbs: ['get', 'patch', 'update'] },
          { name: 'deployments/status', kind: 'Deployment', namespaced: true, verbs: ['get'] },
        ]),
    },
    {
      method: 'GET',
      pattern: /^\/api\/v1\/namespaces$/,
      handle: () =>
        list(
          'NamespaceList',
          'v1',
          cluster.currentResourceVersion,
          cluster.namespaces.map((n) => ({ metadata: { name: n }, status: { phase: 'Active' } })),
        ),
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/api/v1/namespaces/${ns}$`),
      handle: ({ params }) => {
        namespaceExists(params[0] ?? '');
        return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: params[0] }, status: { phase: 'Active' } };
      },
    },
    // Pods
    {
      method: 'GET',
      pattern: /^\/api\/v1\/pods$/,
      handle: ({ url }) =>
        list('PodList', 'v1', cluster.currentResourceVersion, selected(url, cluster.listPods(undefined))),
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/api/v1/namespaces/${ns}/pods$`),
      handle: ({ url, params }) =>
        list('PodList', 'v1', cluster.currentResourceVersion, selected(url, cluster.listPods(params[0]))),
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/api/v1/namespaces/${ns}/pods/${name}/log$`),
      handle: ({ res, url, params }) => {
        const { replica } = cluster.replica(params[0] ?? '', params[1] ?? '');
        const tail = url.searchParams.has('tailLines') ? Number(url.searchParams.get('tailLines')) : undefined;
        const lines = tail === undefined ? replica.logs : replica.logs.slice(-tail);
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(lines.length > 0 ? `${lines.join('\n')}\n` : '');
        return HANDLED;
      },
    },
    ...['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'].map((method): Route => ({
      method,
      pattern: new RegExp(`^/api/v1/namespaces/${ns}/pods/${name}/proxy(?:/(.*))?$`),
      handle: proxyToPod,
    })),
    {
      method: 'GET',
      pattern: new RegExp(`^/api/v1/namespaces/${ns}/pods/${name}$`),
      handle: ({ params }) => {
        const { deployment, replica } = cluster.replica(params[0] ?? '', params[1] ?? '');
        return deployment.pods().find((pod) => pod.metadata?.name === replica.name);
      },
    },
    {
      method: 'DELETE',
      pattern: new RegExp(`^/api/v1/namespaces/${ns}/pods/${name}$`),
      handle: ({ params }) => {
        const { deployment, replica } = cluster.replica(params[0] ?? '', params[1] ?? '');
        void replica.terminate();
        deployment.reconcile();
        return deployment.pods().find((pod) => pod.metadata?.name === replica.name);
      },
    },
    // Services
    {
      method: 'GET',
      pattern: /^\/api\/v1\/services$/,
      handle: ({ url }) =>
        list('ServiceList', 'v1', cluster.currentResourceVersion, selected(url, cluster.listServices(undefined))),
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/api/v1/namespaces/${ns}/services$`),
      handle: ({ url, params }) =>
        list('ServiceList', 'v1', cluster.currentResourceVersion, selected(url, cluster.listServices(params[0]))),
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/api/v1/namespaces/${ns}/services/${name}$`),
      handle: ({ params }) => cluster.service(params[0] ?? '', params[1] ?? ''),
    },
    // Deployments
    {
      method: 'GET',
      pattern: /^\/apis\/apps\/v1\/deployments$/,
      handle: (request) =>
        isWatch(request.url)
          ? watchDeployments(request, undefined)
          : list(
              'DeploymentList',
              'apps/v1',
              cluster.currentResourceVersion,
              selected(request.url, cluster.listDeployments(undefined)),
            ),
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/apis/apps/v1/namespaces/${ns}/deployments$`),
      handle: (request) =>
        isWatch(request.url)
          ? watchDeployments(request, request.params[0])
          : list(
              'DeploymentList',
              'apps/v1',
              cluster.currentResourceVersion,
              selected(request.url, cluster.listDeployments(request.params[0])),
            ),
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/apis/apps/v1/namespaces/${ns}/deployments/${name}(?:/status)?$`),
      handle: ({ params }) => cluster.view(cluster.deployment(params[0] ?? '', params[1] ?? '')),
    },
    {
      method: 'PATCH',
      pattern: new RegExp(`^/apis/apps/v1/namespaces/${ns}/deployments/${name}$`),
      handle: async ({ req, params, body }) =>
        cluster.patchDeployment(params[0] ?? '', params[1] ?? '', await body(), req.headers['content-type'] ?? ''),
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/apis/apps/v1/namespaces/${ns}/deployments/${name}/scale$`),
      handle: ({ params }) => scaleOf(cluster.view(cluster.deployment(params[0] ?? '', params[1] ?? ''))),
    },
    ...(['PATCH', 'PUT'] as const).map((method): Route => ({
      method,
      pattern: new RegExp(`^/apis/apps/v1/namespaces/${ns}/deployments/${name}/scale$`),
      handle: async ({ req, params, body }) => {
        const scale = (await body()) as { spec?: { replicas?: unknown } };
        const contentType = method === 'PUT' ? 'application/merge-patch+json' : (req.headers['content-type'] ?? '');
        const replicas = scale.spec?.replicas;
        const patched = cluster.patchDeployment(
          params[0] ?? '',
          params[1] ?? '',
          replicas === undefined ? {} : { spec: { replicas } },
          contentType,
        );
        return scaleOf(patched);
      },
    })),
  ];

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://local');
    const body = async () => {
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
    if (result !== HANDLED) json(res, 200, result);
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.end();
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
  return { url: `http://${options.host}:${port}`, port, close: () => closeHttpServer(server) };
}

function isWatch(url: URL): boolean {
  const watch = url.searchParams.get('watch');
  return watch === 'true' || watch === '1';
}

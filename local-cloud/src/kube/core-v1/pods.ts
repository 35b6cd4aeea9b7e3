import http from 'node:http';
import type { Cluster } from '../cluster';
import { KubeError } from '../errors';
import { HANDLED, json, list, NAME, NAMESPACE, selected, type Route, type RouteRequest } from '../routes';

/** `pods/proxy`: forwards the request to the replica's own port, as the API server's proxy does. */
async function proxyToPod(cluster: Cluster, request: RouteRequest): Promise<typeof HANDLED> {
  const [namespace = '', podWithPort = '', rest = ''] = request.params;
  const podName = podWithPort.split(':')[0] ?? '';
  const { replica } = cluster.replica(namespace, podName);
  const path = `/${rest}${request.url.search}`;
  const headers = { ...request.req.headers, host: `127.0.0.1:${replica.port}` };
  // The API server's credentials are not the pod's business.
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
}

/** core/v1 Pods: list, get, delete (the controller replaces the replica), log and proxy. */
export function podRoutes(cluster: Cluster): Route[] {
  return [
    {
      method: 'GET',
      pattern: /^\/api\/v1\/pods$/,
      handle: ({ url }) =>
        list('PodList', 'v1', cluster.currentResourceVersion, selected(url, cluster.listPods(undefined))),
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/api/v1/namespaces/${NAMESPACE}/pods$`),
      handle: ({ url, params }) =>
        list('PodList', 'v1', cluster.currentResourceVersion, selected(url, cluster.listPods(params[0]))),
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/api/v1/namespaces/${NAMESPACE}/pods/${NAME}/log$`),
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
      pattern: new RegExp(`^/api/v1/namespaces/${NAMESPACE}/pods/${NAME}/proxy(?:/(.*))?$`),
      handle: (request) => proxyToPod(cluster, request),
    })),
    {
      method: 'GET',
      pattern: new RegExp(`^/api/v1/namespaces/${NAMESPACE}/pods/${NAME}$`),
      handle: ({ params }) => cluster.pod(params[0] ?? '', params[1] ?? ''),
    },
    {
      method: 'DELETE',
      pattern: new RegExp(`^/api/v1/namespaces/${NAMESPACE}/pods/${NAME}$`),
      handle: ({ params }) => cluster.deletePod(params[0] ?? '', params[1] ?? ''),
    },
  ];
}

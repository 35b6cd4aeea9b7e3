import type { Cluster } from '../cluster';
import { HANDLED, NAME, NAMESPACE, selected, type Route, type RouteRequest } from '../routes';
import { listOrWatch } from '../watch';
import { forwardToReplica } from './proxy';

/** `pods/proxy`: forwards the request to the replica's own port, as the API server's proxy does. */
function proxyToPod(cluster: Cluster, request: RouteRequest): Promise<typeof HANDLED> {
  const [namespace = '', podWithPort = '', rest = ''] = request.params;
  const { replica } = cluster.replica(namespace, podWithPort.split(':')[0] ?? '');
  return forwardToReplica(replica.port, rest, request);
}

const podsIn = (cluster: Cluster, request: RouteRequest, namespace: string | undefined) =>
  listOrWatch(cluster, request, { list: 'PodList', apiVersion: 'v1' }, () =>
    selected(request.url, cluster.listPods(namespace)),
  );

/** core/v1 Pods: list, watch, get, delete (the controller replaces the replica), log and proxy. */
export function podRoutes(cluster: Cluster): Route[] {
  return [
    {
      method: 'GET',
      pattern: /^\/api\/v1\/pods$/,
      handle: (request) => podsIn(cluster, request, undefined),
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/api/v1/namespaces/${NAMESPACE}/pods$`),
      handle: (request) => podsIn(cluster, request, request.params[0]),
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

import type { Cluster } from '../cluster';
import { KubeError } from '../errors';
import { HANDLED, json, list, NAME, NAMESPACE, selected, type Route, type RouteRequest } from '../routes';
import { forwardToReplica } from './proxy';

/**
 * `services/proxy`: to one ready endpoint of the Service, picked at random per request as the API
 * server does. The name segment may carry a scheme and a port (`https:name:port`); the Services
 * here have one port each, so only the name counts.
 */
function proxyToService(cluster: Cluster, request: RouteRequest): Promise<typeof HANDLED> {
  const [namespace = '', segment = '', rest = ''] = request.params;
  const parts = segment.split(':');
  const name = (parts[0] === 'http' || parts[0] === 'https' ? parts[1] : parts[0]) ?? '';
  const endpoints = cluster.serviceEndpoints(namespace, name);
  const picked = endpoints[Math.floor(Math.random() * endpoints.length)];
  if (!picked) {
    json(
      request.res,
      503,
      new KubeError(503, 'ServiceUnavailable', `no endpoints available for service "${name}"`).toStatus(),
    );
    return Promise.resolve(HANDLED);
  }
  return forwardToReplica(picked.port, rest, request);
}

/** core/v1 Services: list (all namespaces or one), get, and proxy. */
export function serviceRoutes(cluster: Cluster): Route[] {
  return [
    {
      method: 'GET',
      pattern: /^\/api\/v1\/services$/,
      handle: ({ url }) =>
        list('ServiceList', 'v1', cluster.currentResourceVersion, selected(url, cluster.listServices(undefined))),
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/api/v1/namespaces/${NAMESPACE}/services$`),
      handle: ({ url, params }) =>
        list('ServiceList', 'v1', cluster.currentResourceVersion, selected(url, cluster.listServices(params[0]))),
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/api/v1/namespaces/${NAMESPACE}/services/${NAME}$`),
      handle: ({ params }) => cluster.service(params[0] ?? '', params[1] ?? ''),
    },
    ...['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'].map((method): Route => ({
      method,
      pattern: new RegExp(`^/api/v1/namespaces/${NAMESPACE}/services/([^/]+)/proxy(?:/(.*))?$`),
      handle: (request) => proxyToService(cluster, request),
    })),
  ];
}

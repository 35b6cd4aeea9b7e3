import type { Cluster } from '../cluster';
import { list, NAME, NAMESPACE, selected, type Route } from '../routes';

/** core/v1 Services: list (all namespaces or one) and get. */
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
  ];
}

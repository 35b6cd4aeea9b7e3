import type { Cluster } from '../cluster';
import { KubeError } from '../errors';
import { list, NAMESPACE, type Route } from '../routes';

/** core/v1 Namespaces: list and get (local-cloud has `default` only). */
export function namespaceRoutes(cluster: Cluster): Route[] {
  return [
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
      pattern: new RegExp(`^/api/v1/namespaces/${NAMESPACE}$`),
      handle: ({ params }) => {
        const namespace = params[0] ?? '';
        if (!cluster.namespaces.includes(namespace))
          throw new KubeError(404, 'NotFound', `namespaces "${namespace}" not found`, {
            name: namespace,
            kind: 'namespaces',
          });
        return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace }, status: { phase: 'Active' } };
      },
    },
  ];
}

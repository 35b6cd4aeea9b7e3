import type { Cluster } from '../cluster';
import { NAME, NAMESPACE, selected, type Route, type RouteRequest } from '../routes';
import { listOrWatch } from '../watch';

const replicaSetsIn = (cluster: Cluster, request: RouteRequest, namespace: string | undefined) =>
  listOrWatch(cluster, request, { list: 'ReplicaSetList', apiVersion: 'apps/v1' }, () =>
    selected(request.url, cluster.listReplicaSets(namespace)),
  );

/**
 * apps/v1 ReplicaSets, read-only: one per pod template a Deployment has run (what `kubectl get rs`
 * and `kubectl rollout history` read), owned by the Deployment, derived from its replicas.
 */
export function replicaSetRoutes(cluster: Cluster): Route[] {
  return [
    {
      method: 'GET',
      pattern: /^\/apis\/apps\/v1\/replicasets$/,
      handle: (request) => replicaSetsIn(cluster, request, undefined),
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/apis/apps/v1/namespaces/${NAMESPACE}/replicasets$`),
      handle: (request) => replicaSetsIn(cluster, request, request.params[0]),
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/apis/apps/v1/namespaces/${NAMESPACE}/replicasets/${NAME}$`),
      handle: ({ params }) => cluster.replicaSet(params[0] ?? '', params[1] ?? ''),
    },
  ];
}

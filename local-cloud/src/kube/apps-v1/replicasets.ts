import type { Cluster } from '../cluster';
import { isWatch, list, NAME, NAMESPACE, selected, type Route, type RouteRequest } from '../routes';
import { watchByDiff } from '../watch';

function listOrWatch(cluster: Cluster, request: RouteRequest, namespace: string | undefined) {
  const current = () => selected(request.url, cluster.listReplicaSets(namespace));
  if (isWatch(request.url)) return watchByDiff(cluster, request, current);
  return list('ReplicaSetList', 'apps/v1', cluster.currentResourceVersion, current());
}

/**
 * apps/v1 ReplicaSets, read-only: one per pod template a Deployment has run (what `kubectl get rs`
 * and `kubectl rollout history` read), owned by the Deployment, derived from its replicas.
 */
export function replicaSetRoutes(cluster: Cluster): Route[] {
  return [
    {
      method: 'GET',
      pattern: /^\/apis\/apps\/v1\/replicasets$/,
      handle: (request) => listOrWatch(cluster, request, undefined),
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/apis/apps/v1/namespaces/${NAMESPACE}/replicasets$`),
      handle: (request) => listOrWatch(cluster, request, request.params[0]),
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/apis/apps/v1/namespaces/${NAMESPACE}/replicasets/${NAME}$`),
      handle: ({ params }) => cluster.replicaSet(params[0] ?? '', params[1] ?? ''),
    },
  ];
}

import type { Cluster } from '../cluster';
import { EventLog } from '../event-log';
import { isWatch, list, NAMESPACE, selected, type Route, type RouteRequest } from '../routes';
import { watchByDiff } from '../watch';

function listOrWatch(cluster: Cluster, request: RouteRequest, namespace: string | undefined) {
  const current = () => selected(request.url, cluster.listEvents(namespace), EventLog.fields);
  if (isWatch(request.url)) return watchByDiff(cluster, request, current);
  return list('EventList', 'v1', cluster.currentResourceVersion, current());
}

/** core/v1 Events, read-only: what the Deployment and ReplicaSet controllers did. */
export function eventRoutes(cluster: Cluster): Route[] {
  return [
    { method: 'GET', pattern: /^\/api\/v1\/events$/, handle: (request) => listOrWatch(cluster, request, undefined) },
    {
      method: 'GET',
      pattern: new RegExp(`^/api/v1/namespaces/${NAMESPACE}/events$`),
      handle: (request) => listOrWatch(cluster, request, request.params[0]),
    },
  ];
}

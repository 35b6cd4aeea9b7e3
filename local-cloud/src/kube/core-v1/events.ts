import type { Cluster } from '../cluster';
import { EventLog } from '../event-log';
import { NAMESPACE, selected, type Route, type RouteRequest } from '../routes';
import { listOrWatch } from '../watch';

const eventsIn = (cluster: Cluster, request: RouteRequest, namespace: string | undefined) =>
  listOrWatch(cluster, request, { list: 'EventList', apiVersion: 'v1' }, () =>
    selected(request.url, cluster.listEvents(namespace), EventLog.fields),
  );

/** core/v1 Events, read-only: what the Deployment and ReplicaSet controllers did. */
export function eventRoutes(cluster: Cluster): Route[] {
  return [
    { method: 'GET', pattern: /^\/api\/v1\/events$/, handle: (request) => eventsIn(cluster, request, undefined) },
    {
      method: 'GET',
      pattern: new RegExp(`^/api/v1/namespaces/${NAMESPACE}/events$`),
      handle: (request) => eventsIn(cluster, request, request.params[0]),
    },
  ];
}

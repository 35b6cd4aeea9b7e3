import type { V1Deployment } from '@kubernetes/client-node';
import type { Cluster, DeploymentEvent } from '../cluster';
import { KubeError } from '../errors';
import { openWatch } from '../watch';
import { HANDLED, isWatch, list, NAME, NAMESPACE, selected, type Route, type RouteRequest } from '../routes';

/**
 * A watch of Deployments: newline-delimited events until the client leaves or timeoutSeconds
 * passes. From resourceVersion 0 (or none) it starts with every object as ADDED; from a later one it
 * replays the events since, or answers 410 Expired when that version is older than the history.
 */
function watchDeployments(cluster: Cluster, request: RouteRequest, namespace: string | undefined): typeof HANDLED {
  const { url } = request;
  const since = url.searchParams.get('resourceVersion');
  const matches = (object: V1Deployment) =>
    (namespace === undefined || object.metadata?.namespace === namespace) && selected(url, [object]).length === 1;
  const stream = openWatch(request);
  if (!since || since === '0') {
    for (const object of cluster.listDeployments(namespace).filter(matches)) stream.send('ADDED', object);
  } else {
    const missed = cluster.deploymentEventsSince(Number(since));
    if (!missed) {
      // What the API server sends when the version is older than what it keeps: the client lists again.
      stream.send(
        'ERROR',
        new KubeError(
          410,
          'Expired',
          `too old resource version: ${since} (${cluster.currentResourceVersion})`,
        ).toStatus(),
      );
      stream.end();
      return HANDLED;
    }
    for (const event of missed) if (matches(event.object)) stream.send(event.type, event.object);
  }
  const listener = (event: DeploymentEvent) => {
    if (matches(event.object)) stream.send(event.type, event.object);
  };
  cluster.events.on('deployment', listener);
  stream.onClose(() => cluster.events.off('deployment', listener));
  return HANDLED;
}

/** The `autoscaling/v1` Scale subresource of a Deployment. */
function scaleOf(object: V1Deployment) {
  return {
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
  };
}

function listOrWatch(cluster: Cluster, request: RouteRequest, namespace: string | undefined) {
  if (isWatch(request.url)) return watchDeployments(cluster, request, namespace);
  return list(
    'DeploymentList',
    'apps/v1',
    cluster.currentResourceVersion,
    selected(request.url, cluster.listDeployments(namespace)),
  );
}

/** apps/v1 Deployments: list, watch, get (and /status), patch, and the scale subresource. */
export function deploymentRoutes(cluster: Cluster): Route[] {
  const one = new RegExp(`^/apis/apps/v1/namespaces/${NAMESPACE}/deployments/${NAME}`);
  return [
    {
      method: 'GET',
      pattern: /^\/apis\/apps\/v1\/deployments$/,
      handle: (request) => listOrWatch(cluster, request, undefined),
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/apis/apps/v1/namespaces/${NAMESPACE}/deployments$`),
      handle: (request) => listOrWatch(cluster, request, request.params[0]),
    },
    {
      method: 'GET',
      pattern: new RegExp(`${one.source}(?:/status)?$`),
      handle: ({ params }) => cluster.view(cluster.deployment(params[0] ?? '', params[1] ?? '')),
    },
    {
      method: 'PATCH',
      pattern: new RegExp(`${one.source}$`),
      handle: async ({ req, params, body }) =>
        cluster.patchDeployment(params[0] ?? '', params[1] ?? '', await body(), req.headers['content-type'] ?? ''),
    },
    {
      method: 'GET',
      pattern: new RegExp(`${one.source}/scale$`),
      handle: ({ params }) => scaleOf(cluster.view(cluster.deployment(params[0] ?? '', params[1] ?? ''))),
    },
    ...(['PATCH', 'PUT'] as const).map((method): Route => ({
      method,
      pattern: new RegExp(`${one.source}/scale$`),
      handle: async ({ req, params, body }) => {
        const scale = (await body()) as { spec?: { replicas?: unknown } };
        // A PUT of a Scale sets replicas, which is what a merge patch of spec.replicas does.
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
}

import type { Route } from './routes';

/** What `/api/v1` and `/apis/apps/v1` list; kubectl maps resource names to paths through it. */
export interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
  /** What `kubectl get po` / `svc` / `deploy` / `ns` resolve through. */
  shortNames?: string[];
  /** `kubectl get all` lists the resources in the `all` category. */
  categories?: string[];
}

/**
 * Every resource served, per group version: what discovery lists and what SelfSubjectAccessReview
 * answers from (one table, so `kubectl auth can-i` says yes exactly to what is served).
 */
export const SERVED: Record<'v1' | 'apps/v1' | 'authorization.k8s.io/v1', ApiResource[]> = {
  v1: [
    { name: 'namespaces', kind: 'Namespace', namespaced: false, verbs: ['get', 'list'], shortNames: ['ns'] },
    {
      name: 'pods',
      kind: 'Pod',
      namespaced: true,
      verbs: ['get', 'list', 'watch', 'delete'],
      shortNames: ['po'],
      categories: ['all'],
    },
    { name: 'events', kind: 'Event', namespaced: true, verbs: ['get', 'list', 'watch'], shortNames: ['ev'] },
    { name: 'pods/log', kind: 'Pod', namespaced: true, verbs: ['get'] },
    {
      name: 'pods/proxy',
      kind: 'PodProxyOptions',
      namespaced: true,
      verbs: ['get', 'create', 'delete', 'patch', 'update'],
    },
    {
      name: 'services',
      kind: 'Service',
      namespaced: true,
      verbs: ['get', 'list'],
      shortNames: ['svc'],
      categories: ['all'],
    },
    {
      name: 'services/proxy',
      kind: 'ServiceProxyOptions',
      namespaced: true,
      verbs: ['get', 'create', 'delete', 'patch', 'update'],
    },
  ],
  'apps/v1': [
    {
      name: 'deployments',
      kind: 'Deployment',
      namespaced: true,
      verbs: ['get', 'list', 'watch', 'patch'],
      shortNames: ['deploy'],
      categories: ['all'],
    },
    { name: 'deployments/scale', kind: 'Scale', namespaced: true, verbs: ['get', 'patch', 'update'] },
    { name: 'deployments/status', kind: 'Deployment', namespaced: true, verbs: ['get'] },
    {
      name: 'replicasets',
      kind: 'ReplicaSet',
      namespaced: true,
      verbs: ['get', 'list', 'watch'],
      shortNames: ['rs'],
      categories: ['all'],
    },
  ],
  'authorization.k8s.io/v1': [
    { name: 'selfsubjectaccessreviews', kind: 'SelfSubjectAccessReview', namespaced: false, verbs: ['create'] },
    { name: 'selfsubjectrulesreviews', kind: 'SelfSubjectRulesReview', namespaced: false, verbs: ['create'] },
  ],
};

function resources(groupVersion: string, items: ApiResource[]) {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion,
    resources: items.map((item) => ({
      // The singular of a top-level resource is its kind in lower case; subresources have none.
      singularName: item.name.includes('/') ? '' : item.kind.toLowerCase(),
      ...item,
    })),
  };
}

/** Discovery: the server version, the API groups, and the resources each group serves. */
export function discoveryRoutes(): Route[] {
  return [
    {
      method: 'GET',
      pattern: /^\/version$/,
      handle: () => ({
        major: '1',
        minor: '33',
        gitVersion: 'v1.33.0-local-cloud',
        platform: `${process.platform}/${process.arch}`,
      }),
    },
    {
      method: 'GET',
      pattern: /^\/api$/,
      handle: () => ({
        kind: 'APIVersions',
        versions: ['v1'],
        serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }],
      }),
    },
    {
      method: 'GET',
      pattern: /^\/apis$/,
      handle: () => ({
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: [
          {
            name: 'apps',
            versions: [{ groupVersion: 'apps/v1', version: 'v1' }],
            preferredVersion: { groupVersion: 'apps/v1', version: 'v1' },
          },
          {
            name: 'authorization.k8s.io',
            versions: [{ groupVersion: 'authorization.k8s.io/v1', version: 'v1' }],
            preferredVersion: { groupVersion: 'authorization.k8s.io/v1', version: 'v1' },
          },
        ],
      }),
    },
    {
      method: 'GET',
      pattern: /^\/api\/v1$/,
      handle: () => resources('v1', SERVED.v1),
    },
    {
      method: 'GET',
      pattern: /^\/apis\/apps\/v1$/,
      handle: () => resources('apps/v1', SERVED['apps/v1']),
    },
    {
      method: 'GET',
      pattern: /^\/apis\/authorization\.k8s\.io\/v1$/,
      handle: () => resources('authorization.k8s.io/v1', SERVED['authorization.k8s.io/v1']),
    },
  ];
}

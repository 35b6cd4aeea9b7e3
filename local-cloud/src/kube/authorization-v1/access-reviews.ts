import { SERVED } from '../discovery';
import { KubeError } from '../errors';
import { message, text, type Fields } from '../protobuf';
import type { Route } from '../routes';

interface ResourceAttributes {
  verb?: string;
  group?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

const groupVersionOf = (group: string | undefined) => (group ? `${group}/v1` : 'v1');

/** The verbs local-cloud serves on a resource (and subresource); none for what it does not serve. */
function servedVerbs(attributes: ResourceAttributes): string[] {
  const resources = SERVED[groupVersionOf(attributes.group) as keyof typeof SERVED] ?? [];
  const name = attributes.subresource ? `${attributes.resource}/${attributes.subresource}` : attributes.resource;
  return resources.find((r) => r.name === name)?.verbs ?? [];
}

/**
 * SelfSubjectAccessReview, what `kubectl auth can-i` asks. local-cloud has one token and no RBAC:
 * its holder may do whatever is served, and nothing else (a verb or resource local-cloud does not
 * serve is "no", with the reason).
 */
function review(spec: {
  resourceAttributes?: ResourceAttributes;
  nonResourceAttributes?: { path?: string; verb?: string };
}) {
  const resource = spec.resourceAttributes;
  if (resource) {
    const verbs = servedVerbs(resource);
    const allowed = verbs.includes(resource.verb ?? '') || (resource.verb === '*' && verbs.length > 0);
    return allowed
      ? { allowed: true, reason: 'local-cloud: the kubeconfig token may do everything served' }
      : {
          allowed: false,
          reason: `local-cloud does not serve ${resource.verb ?? ''} on ${resource.resource ?? ''}${resource.subresource ? `/${resource.subresource}` : ''}${resource.group ? `.${resource.group}` : ''}`,
        };
  }
  const path = spec.nonResourceAttributes?.path ?? '';
  const discovery = /^\/(version|api|apis|openapi)(\/.*)?$/.test(path) && spec.nonResourceAttributes?.verb === 'get';
  return discovery ? { allowed: true } : { allowed: false, reason: `local-cloud serves no ${path}` };
}

/** The rules `kubectl auth can-i --list` prints: every resource served, with its verbs. */
function rules() {
  const resourceRules = Object.entries(SERVED).flatMap(([groupVersion, resources]) =>
    resources.map((r) => ({
      verbs: r.verbs,
      apiGroups: [groupVersion.includes('/') ? (groupVersion.split('/')[0] ?? '') : ''],
      resources: [r.name],
    })),
  );
  return {
    resourceRules,
    nonResourceRules: [
      { verbs: ['get'], nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/version', '/openapi/*'] },
    ],
    incomplete: false,
  };
}

/** POST of a review kind: the body must be that kind; the answer is it, with the status filled in. */
function reviewRoute(kind: string, resource: string, status: (spec: Record<string, unknown>) => unknown): Route {
  return {
    method: 'POST',
    pattern: new RegExp(`^/apis/authorization\\.k8s\\.io/v1/${resource}$`),
    handle: async ({ body }) => {
      const object = (await body()) as { kind?: string; spec?: Record<string, unknown> } | null;
      if (!object || typeof object !== 'object' || object.kind !== kind)
        throw new KubeError(400, 'BadRequest', `the request body must be a ${kind}`);
      const spec = object.spec ?? {};
      return { kind, apiVersion: 'authorization.k8s.io/v1', metadata: {}, spec, status: status(spec) };
    },
  };
}

/**
 * The review kinds as kubectl's typed client sends them (protobuf), read into their JSON shape.
 * Field numbers from k8s.io/api/authorization/v1/generated.proto.
 */
const EMPTY: Fields = new Map();

export const accessReviewDecoders: Record<string, (fields: Fields) => unknown> = {
  SelfSubjectAccessReview: (fields) => {
    const spec = message(fields, 2) ?? EMPTY;
    const resource = message(spec, 1);
    const nonResource = message(spec, 2);
    return {
      kind: 'SelfSubjectAccessReview',
      spec: {
        ...(resource
          ? {
              resourceAttributes: {
                namespace: text(resource, 1),
                verb: text(resource, 2),
                group: text(resource, 3),
                version: text(resource, 4),
                resource: text(resource, 5),
                subresource: text(resource, 6),
                name: text(resource, 7),
              },
            }
          : {}),
        ...(nonResource ? { nonResourceAttributes: { path: text(nonResource, 1), verb: text(nonResource, 2) } } : {}),
      },
    };
  },
  SelfSubjectRulesReview: (fields) => ({
    kind: 'SelfSubjectRulesReview',
    spec: { namespace: text(message(fields, 2) ?? EMPTY, 1) },
  }),
};

/** authorization.k8s.io/v1: SelfSubjectAccessReview and SelfSubjectRulesReview (create only). */
export function accessReviewRoutes(): Route[] {
  return [
    reviewRoute('SelfSubjectAccessReview', 'selfsubjectaccessreviews', (spec) => review(spec)),
    reviewRoute('SelfSubjectRulesReview', 'selfsubjectrulesreviews', () => rules()),
  ];
}

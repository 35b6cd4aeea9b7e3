import { createHash } from 'node:crypto';
import * as k8s from '@kubernetes/client-node';
import { KubeError } from './errors';
import type { Route } from './routes';

/**
 * OpenAPI v3, what `kubectl explain` reads: one document per group version, with the schemas of
 * the kinds served. The schemas are built from @kubernetes/client-node's own models (field names
 * and types, generated from the Kubernetes OpenAPI), so they cannot drift from what clients parse.
 * Those models carry no descriptions: explain shows fields and types, not the upstream prose.
 */
interface Attribute {
  name: string;
  baseName: string;
  type: string;
  format: string;
}
type Model = { getAttributeTypeMap(): Attribute[] };
type Schema = Record<string, unknown>;

interface RootKind {
  group: string;
  kind: string;
  /** The path segment (plural), for the operation explain finds the kind through. */
  resource: string;
  namespaced: boolean;
  model: string;
}

const ROOT_KINDS: Record<string, RootKind[]> = {
  'api/v1': [
    { group: '', kind: 'Pod', resource: 'pods', namespaced: true, model: 'V1Pod' },
    { group: '', kind: 'Service', resource: 'services', namespaced: true, model: 'V1Service' },
    { group: '', kind: 'Namespace', resource: 'namespaces', namespaced: false, model: 'V1Namespace' },
    { group: '', kind: 'Event', resource: 'events', namespaced: true, model: 'CoreV1Event' },
  ],
  'apis/apps/v1': [
    { group: 'apps', kind: 'Deployment', resource: 'deployments', namespaced: true, model: 'V1Deployment' },
    { group: 'apps', kind: 'ReplicaSet', resource: 'replicasets', namespaced: true, model: 'V1ReplicaSet' },
  ],
};

const modelOf = (name: string): Model | undefined => {
  const candidate = (k8s as unknown as Record<string, unknown>)[name] as Partial<Model> | undefined;
  return typeof candidate?.getAttributeTypeMap === 'function' ? (candidate as Model) : undefined;
};

/** `V1DeploymentSpec` -> `io.k8s.local-cloud.DeploymentSpec`: explain prints the part after the last dot. */
const schemaName = (model: string) => `io.k8s.local-cloud.${model.replace(/^(CoreV1|V1|V2)/, '')}`;

function typeSchema(type: string, format: string, schemas: Record<string, Schema>): Schema {
  const array = /^Array<(.+)>$/.exec(type);
  if (array) return { type: 'array', items: typeSchema(array[1] ?? 'string', '', schemas) };
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) return { type: 'object', additionalProperties: typeSchema(map[1] ?? 'string', '', schemas) };
  if (type === 'string') return { type: 'string' };
  if (type === 'boolean') return { type: 'boolean' };
  if (type === 'number') return format.startsWith('int') ? { type: 'integer', format } : { type: 'number' };
  if (type === 'Date') return { type: 'string', format: 'date-time' };
  if (modelOf(type)) {
    addModel(type, schemas);
    return { allOf: [{ $ref: `#/components/schemas/${schemaName(type)}` }], default: {} };
  }
  // IntOrString, Quantity and free-form objects.
  return { type: 'string' };
}

function addModel(model: string, schemas: Record<string, Schema>): void {
  const name = schemaName(model);
  if (schemas[name]) return;
  const schema: Schema = { type: 'object', properties: {} };
  schemas[name] = schema;
  const properties: Record<string, Schema> = {};
  for (const attribute of modelOf(model)?.getAttributeTypeMap() ?? [])
    properties[attribute.baseName] = typeSchema(attribute.type, attribute.format, schemas);
  schema.properties = properties;
}

function document(groupVersion: string): Schema {
  const schemas: Record<string, Schema> = {};
  const paths: Record<string, Schema> = {};
  const version = groupVersion.split('/').at(-1) ?? 'v1';
  for (const root of ROOT_KINDS[groupVersion] ?? []) {
    addModel(root.model, schemas);
    const gvk = { group: root.group, kind: root.kind, version };
    Object.assign(schemas[schemaName(root.model)] ?? {}, {
      description: `${root.kind} as local-cloud serves it; field types from @kubernetes/client-node's models.`,
      'x-kubernetes-group-version-kind': [gvk],
    });
    // explain finds a resource's kind through the GET operation of its path, as in the API server's document.
    const scope = root.namespaced ? '/namespaces/{namespace}' : '';
    paths[`/${groupVersion}${scope}/${root.resource}/{name}`] = {
      get: {
        operationId: `read${root.kind}`,
        'x-kubernetes-action': 'get',
        'x-kubernetes-group-version-kind': gvk,
        responses: {
          '200': {
            description: 'OK',
            content: { 'application/json': { schema: { $ref: `#/components/schemas/${schemaName(root.model)}` } } },
          },
        },
      },
    };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes (local-cloud)', version: 'v1.33.0' },
    paths,
    components: { schemas },
  };
}

/** `/openapi/v3` (the index of group versions) and one document per group version. */
export function openApiRoutes(): Route[] {
  const documents = new Map(
    Object.keys(ROOT_KINDS).map((groupVersion) => [groupVersion, JSON.stringify(document(groupVersion))]),
  );
  const index = {
    paths: Object.fromEntries(
      [...documents].map(([groupVersion, text]) => [
        groupVersion,
        {
          serverRelativeURL: `/openapi/v3/${groupVersion}?hash=${createHash('sha512').update(text).digest('hex').slice(0, 128).toUpperCase()}`,
        },
      ]),
    ),
  };
  return [
    { method: 'GET', pattern: /^\/openapi\/v3$/, handle: () => index },
    {
      method: 'GET',
      pattern: /^\/openapi\/v3\/((?:api|apis\/[a-z0-9.-]+)\/v1)$/,
      handle: ({ params }) => {
        const text = documents.get(params[0] ?? '');
        if (!text) throw new KubeError(404, 'NotFound', 'the server could not find the requested resource');
        return JSON.parse(text) as unknown;
      },
    },
  ];
}

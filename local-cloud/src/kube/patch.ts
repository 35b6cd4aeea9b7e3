/**
 * The patch types the console, client-node and kubectl send: JSON merge patch (RFC 7386),
 * Kubernetes strategic merge patch, and JSON patch (RFC 6902, `kubectl patch --type=json`).
 *
 * LIMITATIONS (strategic merge): merge keys are known for the lists a Deployment template uses
 * (containers, initContainers, env, ports, volumes, volumeMounts); other lists are replaced.
 * Directives: `$patch: delete|replace` on maps and list items, `$deleteFromPrimitiveList/<field>`;
 * `$setElementOrder/<field>` and `$retainKeys` are accepted and ignored.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** RFC 7386: objects merge recursively, null deletes, everything else replaces. */
export function mergePatch(target: unknown, patch: unknown): Json {
  if (!isObject(patch)) return structuredClone(patch as Json);
  const result: JsonObject = isObject(target) ? structuredClone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  env: 'name',
  ports: 'containerPort',
  volumes: 'name',
  volumeMounts: 'mountPath',
};

function mergeList(field: string, target: Json[], patch: Json[]): Json[] {
  const key = MERGE_KEYS[field];
  if (!key) return structuredClone(patch.filter((item) => !(isObject(item) && item.$patch !== undefined)));
  const result = structuredClone(target);
  for (const item of patch) {
    if (!isObject(item)) continue;
    const index = result.findIndex((existing) => isObject(existing) && existing[key] === item[key]);
    if (item.$patch === 'delete') {
      if (index >= 0) result.splice(index, 1);
      continue;
    }
    if (item.$patch === 'replace') {
      const { $patch: _directive, ...rest } = item;
      if (index >= 0) result[index] = rest;
      else result.push(rest);
      continue;
    }
    if (index >= 0) result[index] = strategicMergePatch(result[index], item);
    else result.push(strategicMergePatch({}, item));
  }
  return result;
}

/** Strategic merge: like merge patch, but lists of known kinds merge item by item on their key. */
export function strategicMergePatch(target: unknown, patch: unknown): Json {
  if (!isObject(patch)) return structuredClone(patch as Json);
  if (patch.$patch === 'replace') {
    const { $patch: _directive, ...rest } = patch;
    return structuredClone(rest);
  }
  if (patch.$patch === 'delete') return null;
  const result: JsonObject = isObject(target) ? structuredClone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key === '$retainKeys' || key.startsWith('$setElementOrder/')) continue;
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const field = key.slice('$deleteFromPrimitiveList/'.length);
      const current = result[field];
      if (Array.isArray(current) && Array.isArray(value))
        result[field] = current.filter((item) => !value.includes(item));
      continue;
    }
    if (value === null) delete result[key];
    else if (Array.isArray(value)) result[key] = mergeList(key, Array.isArray(result[key]) ? result[key] : [], value);
    else result[key] = strategicMergePatch(result[key], value);
  }
  return result;
}

/** Why a JSON patch could not be applied (the API server answers 422 for these). */
export class JsonPatchError extends Error {}

function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** `/spec/replicas` -> ['spec', 'replicas']; '' is the whole document. */
function pointer(path: unknown): string[] {
  if (typeof path !== 'string' || (path !== '' && !path.startsWith('/')))
    throw new JsonPatchError(`invalid JSON pointer: ${JSON.stringify(path)}`);
  return path === '' ? [] : path.slice(1).split('/').map(unescapePointer);
}

function parentOf(root: Json, segments: string[]): { parent: Json; key: string } {
  let parent = root;
  for (const segment of segments.slice(0, -1)) {
    const next: Json | undefined = Array.isArray(parent)
      ? parent[Number(segment)]
      : isObject(parent)
        ? parent[segment]
        : undefined;
    if (next === undefined) throw new JsonPatchError(`doc is missing path: /${segments.join('/')}`);
    parent = next;
  }
  return { parent, key: segments[segments.length - 1] ?? '' };
}

function get(root: Json, segments: string[]): Json {
  if (segments.length === 0) return root;
  const { parent, key } = parentOf(root, segments);
  const value = Array.isArray(parent) ? parent[Number(key)] : isObject(parent) ? parent[key] : undefined;
  if (value === undefined) throw new JsonPatchError(`doc is missing path: /${segments.join('/')}`);
  return value;
}

function remove(root: Json, segments: string[]): Json {
  const value = get(root, segments);
  const { parent, key } = parentOf(root, segments);
  if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else if (isObject(parent)) delete parent[key];
  return value;
}

function add(root: Json, segments: string[], value: Json): Json {
  if (segments.length === 0) return value;
  const { parent, key } = parentOf(root, segments);
  if (Array.isArray(parent)) {
    const index = key === '-' ? parent.length : Number(key);
    if (!Number.isInteger(index) || index < 0 || index > parent.length)
      throw new JsonPatchError(`index out of range: /${segments.join('/')}`);
    parent.splice(index, 0, value);
  } else if (isObject(parent)) parent[key] = value;
  else throw new JsonPatchError(`doc is missing path: /${segments.join('/')}`);
  return root;
}

/** RFC 6902 JSON patch (kubectl patch --type=json): add, remove, replace, move, copy, test. */
export function jsonPatch(target: unknown, operations: unknown): Json {
  if (!Array.isArray(operations)) throw new JsonPatchError('a JSON patch is an array of operations');
  let doc = structuredClone(target as Json);
  for (const operation of operations as unknown[]) {
    if (!isObject(operation)) throw new JsonPatchError('each JSON patch operation is an object');
    const path = pointer(operation.path);
    switch (operation.op) {
      case 'add':
        doc = add(doc, path, structuredClone(operation.value ?? null));
        break;
      case 'remove':
        remove(doc, path);
        break;
      case 'replace': {
        get(doc, path);
        const value = structuredClone(operation.value ?? null);
        if (path.length === 0) {
          doc = value;
          break;
        }
        // In place, so the member keeps its position (a no-op replace must change nothing).
        const { parent, key } = parentOf(doc, path);
        if (Array.isArray(parent)) parent[Number(key)] = value;
        else if (isObject(parent)) parent[key] = value;
        break;
      }
      case 'move': {
        const value = remove(doc, pointer(operation.from));
        doc = add(doc, path, value);
        break;
      }
      case 'copy':
        doc = add(doc, path, structuredClone(get(doc, pointer(operation.from))));
        break;
      case 'test':
        if (JSON.stringify(get(doc, path)) !== JSON.stringify(operation.value))
          throw new JsonPatchError(`testing value /${path.join('/')} failed`);
        break;
      default:
        throw new JsonPatchError(`unknown JSON patch operation: ${JSON.stringify(operation.op)}`);
    }
  }
  return doc;
}

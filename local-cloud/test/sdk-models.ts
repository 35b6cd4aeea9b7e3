import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * AWS's published service models as the SDK for JavaScript v3 packages ship them: each
 * `@aws-sdk/client-*` exports the Smithy schema of every shape and operation (`GetParameter$`,
 * `GetParameterRequest$` ...), generated from the same models botocore's service-2.json files
 * come from, and each command's type declaration lists the errors the model declares for it.
 * This module reads both, so a test can hold local-cloud's answers against them.
 *
 * The schema encoding (@smithy/core/schema): a number is a simple type (0 string, 1 number, 2
 * boolean, 4-7 timestamps, 15 document, 21/42 blobs; +64 a list of it, +128 a map of it); an array
 * [3|-3, namespace, name, traits, memberNames, memberSchemas, requiredCount] a structure or error
 * (the first requiredCount members are required), [4, ...] the same for a union, [1, ns, name, traits, value] a list, [2, ns,
 * name, traits, key, value] a map, [0, ns, name, traits, schema] a simple type with traits,
 * [9, ns, name, traits, input, output] an operation; [schema, traits] is a member with traits;
 * functions defer a reference.
 */
export type Shape =
  | { kind: 'structure'; name: string; members: () => Record<string, Shape>; required: string[] }
  | { kind: 'list'; member: () => Shape }
  | { kind: 'map'; value: () => Shape }
  | { kind: 'string' | 'number' | 'boolean' | 'timestamp' | 'blob' | 'document' };

type Ref = unknown;

function simple(code: number): Shape {
  if (code >= 128) return { kind: 'map', value: () => simple(code - 128) };
  if (code >= 64) return { kind: 'list', member: () => simple(code - 64) };
  if (code === 0) return { kind: 'string' };
  if (code === 1 || code === 17 || code === 19) return { kind: 'number' };
  if (code === 2) return { kind: 'boolean' };
  if (code >= 4 && code <= 7) return { kind: 'timestamp' };
  if (code === 15) return { kind: 'document' };
  if (code === 21 || code === 42) return { kind: 'blob' };
  throw new Error(`unknown schema code ${code}`);
}

export function shapeOf(ref: Ref): Shape {
  const value = typeof ref === 'function' ? (ref as () => unknown)() : ref;
  if (typeof value === 'number') return simple(value);
  if (!Array.isArray(value)) throw new Error(`not a schema: ${String(value)}`);
  const [code, second] = value as [number, unknown];
  if (typeof second !== 'string') return shapeOf(value[0]); // [schema, memberTraits]
  if (code === 3 || code === -3 || code === 4) {
    const names = value[4] as string[];
    const schemas = value[5] as Ref[];
    const requiredCount = (value[6] as number | undefined) ?? 0;
    return {
      kind: 'structure',
      name: value[2] as string,
      members: () => Object.fromEntries(names.map((name, i) => [name, shapeOf(schemas[i])])),
      // A union (4) has no required members: exactly one is set.
      required: code === 4 ? [] : names.slice(0, requiredCount),
    };
  }
  if (code === 1) return { kind: 'list', member: () => shapeOf(value[4]) };
  if (code === 2) return { kind: 'map', value: () => shapeOf(value[5]) };
  if (code === 0) return shapeOf(value[4]);
  throw new Error(`unknown schema kind ${code} (${String(second)})`);
}

export interface OperationModel {
  name: string;
  input: Shape;
  output: Shape;
  /** The errors the model declares for the operation (codes, as `__type` / x-amzn-errortype carry them). */
  errors: string[];
  /** REST protocols: the method and path (`/slo/{Id}`) and the input members sent in the query string. */
  http?: { method: string; path: string; query: string[] };
}

/** The HTTP binding of a REST operation: its `http` trait, and which input members carry `httpQuery`. */
function httpBinding(operation: unknown[]): OperationModel['http'] {
  const trait = (operation[3] as { http?: [string, string, number] } | undefined)?.http;
  if (!trait) return undefined;
  const input = (typeof operation[4] === 'function' ? (operation[4] as () => unknown)() : operation[4]) as unknown[];
  const names = (input[4] as string[] | undefined) ?? [];
  const schemas = (input[5] as unknown[] | undefined) ?? [];
  const query = names.filter((_, i) => {
    const member = schemas[i];
    return Array.isArray(member) && typeof member[1] === 'object' && member[1] !== null && 'httpQuery' in member[1];
  });
  return { method: trait[0], path: trait[1].split('?')[0] ?? trait[1], query };
}

/** The model of one operation from a v3 client package (`@aws-sdk/client-ssm`, ...). */
export function operationModel(clientPackage: string, operation: string): OperationModel | undefined {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the schemas are runtime exports
  const client = require(clientPackage) as Record<string, unknown>;
  const schema = client[`${operation}$`] as unknown[] | undefined;
  if (!schema) return undefined;
  const commandTypes = path.join(
    path.dirname(require.resolve(`${clientPackage}/package.json`)),
    'dist-types',
    'commands',
    `${operation}Command.d.ts`,
  );
  const errors = [...readFileSync(commandTypes, 'utf8').matchAll(/@throws \{@link (\w+)\}/g)]
    .map((match) => match[1] ?? '')
    .filter((name) => !name.endsWith('ServiceException'));
  const http = httpBinding(schema);
  return { name: operation, input: shapeOf(schema[4]), output: shapeOf(schema[5]), errors, ...(http ? { http } : {}) };
}

/**
 * What an answer breaks of its shape: a missing required member, a member the model does not
 * declare, a value of the wrong type, an enum value the SDK does not know. Timestamps are epoch
 * seconds, as the JSON protocols send them. `enums` maps a member name to its allowed values.
 */
export function violations(
  value: unknown,
  shape: Shape,
  at: string,
  enums: Record<string, readonly string[]> = {},
): string[] {
  const problems: string[] = [];
  const visit = (v: unknown, s: Shape, where: string, member: string) => {
    switch (s.kind) {
      case 'structure': {
        if (typeof v !== 'object' || v === null || Array.isArray(v)) {
          problems.push(`${where}: expected a ${s.name} structure`);
          return;
        }
        const members = s.members();
        for (const name of s.required) if (!(name in v)) problems.push(`${where}.${name}: required, missing`);
        for (const [name, item] of Object.entries(v)) {
          const declared = members[name];
          if (!declared) problems.push(`${where}.${name}: not a member of ${s.name}`);
          else visit(item, declared, `${where}.${name}`, name);
        }
        return;
      }
      case 'list':
        if (!Array.isArray(v)) problems.push(`${where}: expected a list`);
        else v.forEach((item, i) => visit(item, s.member(), `${where}[${i}]`, member));
        return;
      case 'map':
        if (typeof v !== 'object' || v === null || Array.isArray(v)) problems.push(`${where}: expected a map`);
        else for (const [key, item] of Object.entries(v)) visit(item, s.value(), `${where}.${key}`, member);
        return;
      case 'string':
        if (typeof v !== 'string') problems.push(`${where}: expected a string, got ${JSON.stringify(v)}`);
        else if (enums[member] && !enums[member].includes(v))
          problems.push(`${where}: "${v}" is not one of ${enums[member].join(', ')}`);
        return;
      case 'number':
      case 'timestamp':
        if (typeof v !== 'number' || !Number.isFinite(v))
          problems.push(`${where}: expected a number, got ${JSON.stringify(v)}`);
        return;
      case 'boolean':
        if (typeof v !== 'boolean') problems.push(`${where}: expected a boolean`);
        return;
      default:
        return;
    }
  };
  visit(value, shape, at, '');
  return problems;
}

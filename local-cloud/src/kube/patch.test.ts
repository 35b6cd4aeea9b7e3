import { describe, expect, it } from 'vitest';
import { jsonPatch, JsonPatchError, mergePatch, strategicMergePatch } from './patch';

const deployment = {
  metadata: { name: 'ts-delivery-api', labels: { app: 'ts-delivery-api', tier: 'api' } },
  spec: {
    replicas: 2,
    template: {
      metadata: { annotations: { a: '1' } },
      spec: {
        containers: [
          {
            name: 'app',
            image: 'x',
            env: [
              { name: 'A', value: '1' },
              { name: 'B', value: '2' },
            ],
          },
        ],
      },
    },
  },
};

describe('mergePatch (RFC 7386)', () => {
  it('merges objects, deletes with null, replaces lists', () => {
    const result = mergePatch(deployment, {
      metadata: { labels: { tier: null, team: 'demo' } },
      spec: { replicas: 3, template: { spec: { containers: [{ name: 'other' }] } } },
    });
    expect(result).toMatchObject({
      metadata: { labels: { app: 'ts-delivery-api', team: 'demo' } },
      spec: { replicas: 3 },
    });
    expect((result as typeof deployment).metadata.labels).not.toHaveProperty('tier');
    expect((result as typeof deployment).spec.template.spec.containers).toEqual([{ name: 'other' }]);
  });

  it('leaves the target untouched', () => {
    mergePatch(deployment, { spec: { replicas: 9 } });
    expect(deployment.spec.replicas).toBe(2);
  });
});

describe('strategicMergePatch', () => {
  it('applies kubectl rollout restart', () => {
    const patch = {
      spec: {
        template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-11-28T06:00:00Z' } } },
      },
    };
    const result = strategicMergePatch(deployment, patch) as typeof deployment;
    expect(result.spec.template.metadata.annotations).toEqual({
      a: '1',
      'kubectl.kubernetes.io/restartedAt': '2026-11-28T06:00:00Z',
    });
    expect(result.spec.template.spec.containers).toHaveLength(1);
  });

  it('merges containers and env by name (kubectl set env), with the element-order directive', () => {
    const patch = {
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'app',
                env: [
                  { name: 'B', value: '20' },
                  { name: 'C', value: '3' },
                ],
                '$setElementOrder/env': [{ name: 'A' }, { name: 'B' }, { name: 'C' }],
              },
            ],
          },
        },
      },
    };
    const result = strategicMergePatch(deployment, patch) as typeof deployment;
    expect(result.spec.template.spec.containers[0]?.env).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: '20' },
      { name: 'C', value: '3' },
    ]);
    expect(result.spec.template.spec.containers[0]?.image).toBe('x');
  });

  it('deletes a list item with $patch: delete and replaces with $patch: replace', () => {
    const removed = strategicMergePatch(deployment, {
      spec: { template: { spec: { containers: [{ name: 'app', env: [{ name: 'A', $patch: 'delete' }] }] } } },
    }) as typeof deployment;
    expect(removed.spec.template.spec.containers[0]?.env).toEqual([{ name: 'B', value: '2' }]);
    const replaced = strategicMergePatch(deployment, {
      metadata: { labels: { $patch: 'replace', only: 'this' } },
    }) as typeof deployment;
    expect(replaced.metadata.labels).toEqual({ only: 'this' });
  });

  it('removes values from a primitive list', () => {
    expect(
      strategicMergePatch({ finalizers: ['a', 'b', 'c'] }, { '$deleteFromPrimitiveList/finalizers': ['b'] }),
    ).toEqual({ finalizers: ['a', 'c'] });
  });
});

describe('JSON patch (RFC 6902)', () => {
  const doc = { metadata: { labels: { app: 'a' } }, spec: { replicas: 2, list: ['x', 'y'] } };

  it('adds, replaces in place, removes, moves, copies and tests', () => {
    const out = jsonPatch(doc, [
      { op: 'add', path: '/metadata/labels/tier', value: 'web' },
      { op: 'replace', path: '/spec/replicas', value: 3 },
      { op: 'add', path: '/spec/list/-', value: 'z' },
      { op: 'add', path: '/spec/list/0', value: 'w' },
      { op: 'remove', path: '/spec/list/1' },
      { op: 'copy', from: '/metadata/labels/app', path: '/metadata/labels/copy' },
      { op: 'move', from: '/metadata/labels/copy', path: '/metadata/labels/moved' },
      { op: 'test', path: '/spec/replicas', value: 3 },
    ]);
    expect(out).toEqual({
      metadata: { labels: { app: 'a', tier: 'web', moved: 'a' } },
      spec: { replicas: 3, list: ['w', 'y', 'z'] },
    });
    // The input is not touched, and a replace keeps the member where it was.
    expect(doc.spec.replicas).toBe(2);
    expect(Object.keys((jsonPatch(doc, [{ op: 'replace', path: '/metadata', value: {} }]) as object) ?? {})).toEqual([
      'metadata',
      'spec',
    ]);
  });

  it.each([
    [[{ op: 'test', path: '/spec/replicas', value: 9 }], 'testing value /spec/replicas failed'],
    [[{ op: 'remove', path: '/spec/missing' }], 'doc is missing path: /spec/missing'],
    [[{ op: 'replace', path: 'spec' }], 'invalid JSON pointer: "spec"'],
    [[{ op: 'frobnicate', path: '/spec' }], 'unknown JSON patch operation: "frobnicate"'],
    [{ op: 'add' }, 'a JSON patch is an array of operations'],
  ])('refuses %j: %s', (operations, message) => {
    expect(() => jsonPatch(doc, operations)).toThrow(new JsonPatchError(message));
  });
});

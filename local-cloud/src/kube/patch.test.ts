import { describe, expect, it } from 'vitest';
import { mergePatch, strategicMergePatch } from './patch';

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

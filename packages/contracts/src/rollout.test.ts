import { describe, expect, it } from 'vitest';
import { rolloutState } from './rollout';

const deployment = (status: Record<string, unknown>, generation = 2, replicas = 2) => ({
  metadata: { name: 'd', generation },
  spec: { replicas },
  status: { observedGeneration: 2, ...status },
});

describe('rolloutState (kubectl rollout status rules)', () => {
  it.each([
    [
      'spec not yet observed',
      deployment({ observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2 }, 2),
      'progressing',
      /spec update/,
    ],
    [
      'new replicas still coming',
      deployment({ replicas: 3, updatedReplicas: 1, availableReplicas: 3 }),
      'progressing',
      /1 out of 2 new replicas/,
    ],
    [
      'old replicas left',
      deployment({ replicas: 3, updatedReplicas: 2, availableReplicas: 3 }),
      'progressing',
      /1 old replicas are pending termination/,
    ],
    [
      'updated not yet available',
      deployment({ replicas: 2, updatedReplicas: 2, availableReplicas: 1 }),
      'progressing',
      /1 of 2 updated replicas are available/,
    ],
    ['done', deployment({ replicas: 2, updatedReplicas: 2, availableReplicas: 2 }), 'done', /successfully rolled out/],
    ['scaled to zero', deployment({}, 2, 0), 'done', /successfully rolled out/],
    [
      'deadline exceeded',
      deployment({ conditions: [{ type: 'Progressing', reason: 'ProgressDeadlineExceeded' }] }),
      'failed',
      /progress deadline/,
    ],
  ])('%s', (_name, input, phase, message) => {
    const state = rolloutState(input);
    expect(state.phase).toBe(phase);
    expect(state.message).toMatch(message);
  });
});

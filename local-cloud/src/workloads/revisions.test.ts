import { describe, expect, it } from 'vitest';
import { RevisionHistory } from './revisions';

/** Revision numbers and history as the Deployment controller keeps them. */
const template = (image: string) => ({ spec: { containers: [{ name: 'app', image }] } });
const none = () => false;

describe('RevisionHistory', () => {
  it('numbers each new template, keeps the number for the same one, and renumbers a template that comes back', () => {
    const history = new RevisionHistory();
    expect(history.record('a', template('a'), { limit: 10, inUse: none })).toBe(1);
    expect(history.record('a', template('a'), { limit: 10, inUse: none })).toBe(1);
    expect(history.record('b', template('b'), { limit: 10, inUse: none })).toBe(2);
    const firstUid = history.of('a')?.uid;
    expect(history.record('a', template('a'), { limit: 10, inUse: none })).toBe(3);
    // A rollback reuses its ReplicaSet, under the newest number.
    expect(history.all().map((r) => [r.hash, r.revision])).toEqual([
      ['b', 2],
      ['a', 3],
    ]);
    expect(history.of('a')?.uid).toBe(firstUid);
  });

  it('keeps at most the limit of idle old revisions, and always one whose replicas still run', () => {
    const history = new RevisionHistory();
    const running = new Set(['a']);
    for (const hash of ['a', 'b', 'c', 'd'])
      history.record(hash, template(hash), { limit: 1, inUse: (h) => running.has(h) });
    expect(history.all().map((r) => r.hash)).toEqual(['a', 'c', 'd']);
    running.clear();
    history.record('e', template('e'), { limit: 1, inUse: (h) => running.has(h) });
    expect(history.all().map((r) => r.hash)).toEqual(['d', 'e']);
  });
});

import { describe, expect, it } from 'vitest';
import { describeAge, staleness } from './freshness';

describe('staleness of a panel', () => {
  const fresh = { error: null, dataUpdatedAt: 1000 };

  it('is fresh while the stream reports good reads', () => {
    expect(staleness({ readAt: 5000 }, fresh, true)).toBeUndefined();
    expect(staleness(undefined, fresh, true)).toBeUndefined();
  });

  it('is stale since the last good read when the stream says the newest read failed', () => {
    expect(
      staleness({ readAt: 5000, error: { message: 'The operation was aborted due to timeout' } }, fresh, true),
    ).toEqual({ readAt: 5000, reason: 'The operation was aborted due to timeout' });
  });

  it('has nothing to call stale before any good read (the panel shows the error instead)', () => {
    expect(staleness({ readAt: null, error: { message: 'refused' } }, fresh, true)).toBeUndefined();
    expect(staleness(undefined, { error: new Error('refused'), dataUpdatedAt: 0 }, false)).toBeUndefined();
  });

  it('while the stream is down, is stale since the last good poll when a poll fails', () => {
    expect(staleness(undefined, { error: new Error('HTTP 504'), dataUpdatedAt: 7000 }, false)).toEqual({
      readAt: 7000,
      reason: 'HTTP 504',
    });
    expect(staleness({ readAt: 5000, error: { message: 'old news' } }, fresh, false)).toBeUndefined();
  });

  it('says the age in seconds, then minutes, then hours', () => {
    expect(describeAge(-50)).toBe('0 s old');
    expect(describeAge(42_400)).toBe('42 s old');
    expect(describeAge(119_000)).toBe('119 s old');
    expect(describeAge(180_000)).toBe('3 min old');
    expect(describeAge(3 * 3600_000)).toBe('3 h old');
  });
});

import { describe, expect, it } from 'vitest';
import { SlotCache } from './slot-cache';

describe('SlotCache', () => {
  it('loads a key once per slot of wall-clock time, whatever the phase of the readers', async () => {
    let now = 0;
    let loads = 0;
    const cache = new SlotCache<number>(5000, () => now);
    const load = () => Promise.resolve(++loads);
    // A reader every 5000 ms, a few ms late each time: a 5000 ms ttl would reload or not by chance.
    for (const at of [3, 5004, 10_001, 15_007, 19_999]) {
      now = at;
      await cache.get('k', load);
    }
    expect(loads).toBe(4); // slots 0, 1, 2 and 3; 19 999 is still slot 3
    // Readers at several phases within one slot share its load.
    now = 21_000;
    expect(await cache.get('k', load)).toBe(5);
    now = 24_999;
    expect(await cache.get('k', load)).toBe(5);
    expect(await cache.get('other', load)).toBe(6);
  });

  it('forgets a failed load at once, so the next caller tries again in the same slot', async () => {
    const cache = new SlotCache<string>(60_000, () => 1000);
    await expect(cache.get('k', () => Promise.reject(new Error('throttled')))).rejects.toThrow('throttled');
    await new Promise((resolve) => setImmediate(resolve));
    expect(await cache.get('k', () => Promise.resolve('ok'))).toBe('ok');
  });
});

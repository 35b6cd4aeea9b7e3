import { afterEach, describe, expect, it, vi } from 'vitest';
import { Collector, type Snapshot } from './collector';

/** A source whose reads the test answers one by one. */
function source<T>() {
  const pending: { resolve: (value: T) => void; reject: (error: Error) => void }[] = [];
  return {
    read: () => new Promise<T>((resolve, reject) => pending.push({ resolve, reject })),
    pending,
    answer: (value: T) => pending.shift()?.resolve(value),
    fail: (error: Error) => pending.shift()?.reject(error),
  };
}

const flush = () => vi.advanceTimersByTimeAsync(0);

afterEach(() => vi.useRealTimers());

describe('Collector', () => {
  it('reads once for any number of callers at the same time (single flight), then serves that read for a cadence', async () => {
    let now = 0;
    const s = source<number>();
    const collector = new Collector({ name: 't', cadenceMs: 5000, read: s.read, now: () => now });
    const callers = Array.from({ length: 50 }, () => collector.current());
    expect(s.pending).toHaveLength(1);
    s.answer(7);
    const snapshots = await Promise.all(callers);
    expect(new Set(snapshots.map((x) => x.value))).toEqual(new Set([7]));
    now = 4999;
    expect((await collector.current()).value).toBe(7);
    expect(collector.reads).toBe(1);
    now = 5000;
    const next = collector.current();
    s.answer(8);
    expect((await next).value).toBe(8);
    expect(collector.reads).toBe(2);
  });

  it('keeps the last good value when a read fails, says why, and clears the error on the next good read', async () => {
    let now = 0;
    const s = source<string>();
    const collector = new Collector({ name: 't', cadenceMs: 1000, read: s.read, now: () => now });
    const first = collector.current();
    s.answer('fresh');
    expect(await first).toMatchObject({ value: 'fresh', readAt: 0, version: 1 });
    now = 1000;
    const failed = collector.current();
    s.fail(Object.assign(new Error('The operation was aborted due to timeout'), { status: 504 }));
    expect(await failed).toMatchObject({
      value: 'fresh',
      readAt: 0,
      version: 2,
      error: { message: 'The operation was aborted due to timeout', status: 504 },
    });
    now = 2000;
    const recovered = collector.current();
    s.answer('fresh');
    const snapshot = await recovered;
    expect(snapshot).toMatchObject({ value: 'fresh', readAt: 2000, version: 3 });
    expect(snapshot.error).toBeUndefined();
  });

  it('tells subscribers every read, and whether the data changed; bumps the version only on a change', async () => {
    vi.useFakeTimers();
    let now = 0;
    const s = source<{ n: number }>();
    const collector = new Collector({ name: 't', cadenceMs: 1000, read: s.read, now: () => now });
    const seen: [Snapshot<{ n: number }>, boolean][] = [];
    const unsubscribe = collector.subscribe((snapshot, changed) => seen.push([snapshot, changed]));
    await vi.advanceTimersByTimeAsync(0);
    s.answer({ n: 1 });
    await vi.advanceTimersByTimeAsync(0);
    now = 1000;
    await vi.advanceTimersByTimeAsync(1000);
    s.answer({ n: 1 });
    await vi.advanceTimersByTimeAsync(0);
    now = 2000;
    await vi.advanceTimersByTimeAsync(1000);
    s.answer({ n: 2 });
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.map(([snapshot, changed]) => [snapshot.value, snapshot.version, changed])).toEqual([
      [{ n: 1 }, 1, true],
      [{ n: 1 }, 1, false],
      [{ n: 2 }, 2, true],
    ]);
    unsubscribe();
    now = 10_000;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(s.pending).toHaveLength(0); // nobody subscribed: no timer, no reads
    expect(collector.reads).toBe(3);
  });

  it('a late subscriber gets the current value at once', async () => {
    const s = source<number>();
    const collector = new Collector({ name: 't', cadenceMs: 60_000, read: s.read });
    const read = collector.current();
    s.answer(42);
    await read;
    const seen: unknown[] = [];
    const unsubscribe = collector.subscribe((snapshot) => seen.push(snapshot.value));
    expect(seen).toEqual([42]);
    unsubscribe();
  });

  it('invalidated during a read, reads once more after it (that read may predate the change)', async () => {
    vi.useFakeTimers();
    const s = source<string>();
    const collector = new Collector({ name: 't', cadenceMs: 60_000, read: s.read });
    const seen: unknown[] = [];
    const unsubscribe = collector.subscribe((snapshot) => seen.push(snapshot.value));
    await vi.advanceTimersByTimeAsync(0);
    expect(s.pending).toHaveLength(1);
    collector.invalidate(); // the console changed something while the read was out
    s.answer('before the change');
    await flush();
    expect(s.pending).toHaveLength(1);
    s.answer('after the change');
    await flush();
    expect(seen).toEqual(['before the change', 'after the change']);
    // Not subscribed: invalidate only makes the next current() read.
    unsubscribe();
    collector.invalidate();
    expect(s.pending).toHaveLength(0);
    const next = collector.current();
    s.answer('on demand');
    expect((await next).value).toBe('on demand');
  });

  it('keeps one timer when the last subscriber leaves during a read and another comes before it ends', async () => {
    vi.useFakeTimers();
    let now = 0;
    const s = source<number>();
    const collector = new Collector({ name: 't', cadenceMs: 1000, read: s.read, now: () => now });
    const first = collector.subscribe(() => undefined);
    await flush();
    expect(s.pending).toHaveLength(1); // the first read is out
    first();
    const again = collector.subscribe(() => undefined);
    await flush();
    s.answer(1);
    await flush();
    // Two chains would each leave a timer here; one chain leaves one.
    expect(vi.getTimerCount()).toBe(1);
    for (let tick = 1; tick <= 5; tick++) {
      now = tick * 1000;
      await vi.advanceTimersByTimeAsync(1000);
      s.answer(tick + 1);
      await flush();
      expect(vi.getTimerCount()).toBe(1);
    }
    expect(collector.reads).toBe(6);
    again();
    expect(vi.getTimerCount()).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { DeliveryClient, retryAfterSeconds } from './delivery-client';

const settings = {
  url: 'http://127.0.0.1:9',
  connectTimeoutMs: 10_000,
  readTimeoutMs: 30_000,
  maxRetries: 3,
  backoffFactorSeconds: 1,
  maxConnections: 1,
  healthTimeoutMs: 5000,
};

describe('backoff', () => {
  const failure = { kind: 'failure', failure: 'connect', message: '' } as const;

  it.each([
    [0, 0, 1100],
    [0, 1, 1300],
    [1, 0, 2200],
    [2, 0.5, 4800],
    [5, 0, 33_000], // capped at 30 s before jitter
  ])('attempt %i with jitter draw %d waits %i ms', (attempt, draw, expected) => {
    const client = new DeliveryClient(settings, 'test', { random: () => draw });
    expect(client.backoffMs(attempt, failure)).toBeCloseTo(expected, 6);
  });

  it('never waits less than 100 ms', () => {
    const client = new DeliveryClient({ ...settings, backoffFactorSeconds: 0 }, 'test', { random: () => 0 });
    expect(client.backoffMs(0, failure)).toBe(100);
  });

  it('follows a 429 numeric Retry-After, capped at 60 s', () => {
    const client = new DeliveryClient(settings, 'test', { random: () => 0 });
    const tooMany = (retryAfter: string) => ({ kind: 'response', status: 429, retryAfter, text: '' }) as const;
    expect(client.backoffMs(0, tooMany('5'))).toBeCloseTo(5500, 6);
    expect(client.backoffMs(0, tooMany('600'))).toBeCloseTo(66_000, 6);
    expect(client.backoffMs(0, tooMany('Wed, 21 Oct 2015 07:28:00 GMT'))).toBeCloseTo(1100, 6);
  });

  it("waits at least a 503's Retry-After, in seconds or as a date", () => {
    const client = new DeliveryClient(settings, 'test', { random: () => 0 });
    const busy = (retryAfter?: string) => ({ kind: 'response', status: 503, retryAfter, text: '' }) as const;
    expect(client.backoffMs(0, busy())).toBeCloseTo(1100, 6);
    expect(client.backoffMs(0, busy('1'))).toBeCloseTo(1100, 6); // the Delivery API's own: no change
    expect(client.backoffMs(0, busy('4'))).toBeCloseTo(4400, 6);
    expect(client.backoffMs(2, busy('4'))).toBeCloseTo(4400, 6);
  });

  it("has the original's budget: 1.3 + 2.6 + 5.2 s", () => {
    expect(new DeliveryClient(settings, 'test').retryBudgetMs()).toBeCloseTo(9100, 6);
  });
});

describe('retryAfterSeconds', () => {
  const now = Date.UTC(2026, 11, 2, 12, 0, 0);
  it.each([
    ['7', 7],
    [' 0 ', 0],
    ['Wed, 02 Dec 2026 12:00:05 GMT', 5],
    ['Wed, 02 Dec 2026 11:00:00 GMT', 0],
    ['soon', undefined],
    ['-3', undefined],
    [undefined, undefined],
  ])('reads %s as %s', (value, expected) => {
    expect(retryAfterSeconds(value, now)).toBe(expected);
  });
});

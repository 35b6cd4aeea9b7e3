import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../audit';
import { openDatabase } from '../db';
import type { OrderApi } from '../order-api';
import { BurstConflictError, BurstManager } from './manager';

/**
 * One burst at a time, enforced atomically: ten starts at once (the Order API's address takes a
 * while to look up, as it does through the Kubernetes API) give one burst and nine 409s, and the
 * one is listed and stoppable. The burst sends real requests to a small local server.
 */
let server: http.Server;
let url: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(201, { 'content-type': 'application/json' }).end('{"order_id":"ORD-00000001"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('bursts', () => {
  it('starts one of ten concurrent starts and refuses the other nine with 409, and the one can be stopped', async () => {
    const db = openDatabase(':memory:');
    const slowLookup = { url: () => new Promise<string>((resolve) => setTimeout(() => resolve(url), 50)) };
    const bursts = new BurstManager(db, new AuditLog(db), slowLookup as unknown as OrderApi, {
      maxRate: 100,
      maxDurationSeconds: 60,
      maxInFlight: 10,
    });
    const request = { rate: 5, durationSeconds: 30, maxInFlight: 5, invalidShare: 0 };
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => bursts.start(request, 'test')));
    const started = outcomes.filter((o) => o.status === 'fulfilled');
    const refused = outcomes.filter((o) => o.status === 'rejected');
    expect(started).toHaveLength(1);
    expect(refused).toHaveLength(9);
    for (const r of refused) {
      expect(r.reason).toBeInstanceOf(BurstConflictError);
      expect((r.reason as BurstConflictError).status).toBe(409);
    }
    const id = (started[0] as PromiseFulfilledResult<{ id: string }>).value.id;
    expect(bursts.running()?.id).toBe(id);
    const stopped = await bursts.stop(id, 'test');
    expect(stopped?.status).toBe('stopped');
    expect(bursts.running()).toBeUndefined();
    // The slot is free again.
    const next = await bursts.start({ ...request, durationSeconds: 1 }, 'test');
    await bursts.stop(next.id, 'test');
    db.close();
  });
});

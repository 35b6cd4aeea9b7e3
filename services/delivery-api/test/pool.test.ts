import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  createTestDatabase,
  getJson,
  postJson,
  startLocalSsm,
  type LocalSsm,
  type TestDatabase,
  deliveryOrder,
  startDelivery,
} from '@demo/testkit';
import { Database, PoolTimeoutError } from '../src/db/pool';

let db: TestDatabase;
let ssm: LocalSsm;

beforeAll(async () => {
  db = await createTestDatabase(inject('mysqlUrl'), 'delivery_pool');
  ssm = await startLocalSsm();
});
afterAll(async () => {
  await ssm.close();
  await db.drop();
});

describe('acquire timeout', () => {
  it('times out a wait for a busy pool and never leaks the connection that comes later', async () => {
    const database = new Database({ ...db.endpoint, acquireTimeoutMs: 200 }, { poolSize: 1, maxOverflow: 0 });
    try {
      const held = await database.acquire();
      const started = Date.now();
      await expect(database.acquire()).rejects.toBeInstanceOf(PoolTimeoutError);
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
      expect(Date.now() - started).toBeLessThan(1000);
      // The abandoned wait is still queued in mysql2; it gets `held` next and must hand it back.
      held.release();
      await new Promise((resolve) => setTimeout(resolve, 50));
      const again = await database.acquire();
      again.release();
      // Still exactly one connection, and it is free.
      await database.ping();
    } finally {
      await database.end();
    }
  });
});

describe('pool exhaustion under the fault', () => {
  it('answers 503 Too Many Connections within the acquire timeout, then recovers', async () => {
    await ssm.setPoolParams({ poolSize: 1, maxOverflow: 0, faultInjection: true, faultDelaySeconds: 2 });
    const delivery = await startDelivery({ db, ssmUrl: ssm.url, env: { MYSQL_POOL_TIMEOUT_MS: '500' } });
    try {
      const started = Date.now();
      const timed = Array.from({ length: 4 }, async () => {
        const response = await postJson(`${delivery.url}/api/delivery`, deliveryOrder());
        return { ...response, ms: Date.now() - started };
      });
      const results = await Promise.all(timed);
      const ok = results.filter((r) => r.status === 200);
      const exhausted = results.filter((r) => r.status === 503);
      expect(ok).toHaveLength(1);
      expect(exhausted).toHaveLength(3);
      expect(ok[0]?.ms).toBeGreaterThanOrEqual(2000); // it held the only connection for the delay
      for (const response of exhausted) {
        expect(response.ms).toBeLessThan(1500);
        expect(response.headers.get('retry-after')).toBe('1');
        expect(response.body).toEqual({
          error: 'Too Many Connections',
          status_code: 503,
          message: 'Database connection pool exhausted. Please try again later.',
        });
      }
      // Health shares the pool: it is free again, and the next order goes through.
      expect((await getJson(`${delivery.url}/api/delivery/health`)).status).toBe(200);
      const next = await postJson(`${delivery.url}/api/delivery`, deliveryOrder());
      expect(next.status).toBe(200);
      const [count] = await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM orders');
      expect(count?.n).toBe(2);
    } finally {
      await delivery.close();
      await ssm.setPoolParams({ poolSize: 10, maxOverflow: 20, faultInjection: false, faultDelaySeconds: 10 });
    }
  });

  it('rolls the insert back when the fault delay fails part-way: no half-written order', async () => {
    await ssm.setPoolParams({ poolSize: 2, maxOverflow: 0, faultInjection: true, faultDelaySeconds: 5 });
    const delivery = await startDelivery({ db, ssmUrl: ssm.url });
    try {
      const order = deliveryOrder();
      const pending = postJson(`${delivery.url}/api/delivery`, order);
      // Kill the query mid-transaction (as a failover or an operator would).
      await new Promise((resolve) => setTimeout(resolve, 500));
      const sleepers = await db.query<{ Id: number }>(
        "SELECT ID AS Id FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP%' AND DB = ?",
        [db.name],
      );
      expect(sleepers.length).toBe(1);
      await db.query(`KILL ${Number(sleepers[0]?.Id)}`);
      const response = await pending;
      expect(response.status).toBe(500);
      expect(response.body).toEqual({ error: 'Internal server error', status_code: 500 });
      expect(await db.query('SELECT 1 FROM orders WHERE order_id = ?', [order.order_id])).toHaveLength(0);
    } finally {
      await delivery.close();
      await ssm.setPoolParams({ poolSize: 10, maxOverflow: 20, faultInjection: false, faultDelaySeconds: 10 });
    }
  });
});

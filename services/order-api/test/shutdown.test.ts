import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  createTestDatabase,
  startChildService,
  startLocalSsm,
  type LocalSsm,
  type TestDatabase,
  startDelivery,
  type RunningDelivery,
} from '@demo/testkit';
import { order } from './helpers';

let db: TestDatabase;
let ssm: LocalSsm;
let delivery: RunningDelivery;

beforeAll(async () => {
  db = await createTestDatabase(inject('mysqlUrl'), 'order_shutdown');
  ssm = await startLocalSsm();
  // Slow inserts (1 s each) keep orders in flight while the Order API is told to stop.
  await ssm.setPoolParams({ faultInjection: true, faultDelaySeconds: 1 });
  delivery = await startDelivery({ db, ssmUrl: ssm.url });
});
afterAll(async () => {
  await delivery.close();
  await ssm.close();
  await db.drop();
});

describe('SIGTERM on the built Order API', () => {
  it('finishes every in-flight order and exits 0', async () => {
    const service = await startChildService({
      script: path.resolve(__dirname, '../dist/server.js'),
      env: { DELIVERY_API_URL: delivery.url, LOG_LEVEL: 'info' },
      readyPath: '/api/orders/ready',
    });
    try {
      const inFlight = Array.from({ length: 5 }, (_, i) =>
        fetch(`${service.url}/api/orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(order({ order_id: `ORD-SIGTERM-${i}` })),
        }).then((r) => r.status),
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      service.child.kill('SIGTERM');
      expect(await Promise.all(inFlight)).toEqual([200, 200, 200, 200, 200]);
      expect(await service.exited).toBe(0);
      const [count] = await db.query<{ n: number }>(
        "SELECT COUNT(*) AS n FROM orders WHERE order_id LIKE 'ORD-SIGTERM-%'",
      );
      expect(count?.n).toBe(5);
    } finally {
      await service.stop();
    }
  });
});

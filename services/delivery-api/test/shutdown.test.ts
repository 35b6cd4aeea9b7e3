import path from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  createTestDatabase,
  startChildService,
  startLocalSsm,
  type LocalSsm,
  type TestDatabase,
  deliveryEnv,
  deliveryOrder,
} from '@demo/testkit';

let db: TestDatabase;
let ssm: LocalSsm;
const script = path.resolve(__dirname, '../dist/server.js');

beforeAll(async () => {
  db = await createTestDatabase(inject('mysqlUrl'), 'delivery_shutdown');
  ssm = await startLocalSsm();
  // Each insert holds its connection for 1 s, so requests are in flight when SIGTERM lands.
  await ssm.setPoolParams({ faultInjection: true, faultDelaySeconds: 1 });
});
afterAll(async () => {
  await ssm.close();
  await db.drop();
});

describe('SIGTERM on the built Delivery API', () => {
  it('finishes every in-flight request, refuses readiness, serves kept-alive clients, then exits 0', async () => {
    const service = await startChildService({
      script,
      env: deliveryEnv(db, ssm.url, { LOG_LEVEL: 'info' }),
      readyPath: '/api/delivery/ready',
    });
    const agent = new Agent({ connections: 20 });
    try {
      const post = async () => {
        const response = await request(`${service.url}/api/delivery`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(deliveryOrder()),
          dispatcher: agent,
        });
        return {
          status: response.statusCode,
          connection: response.headers.connection,
          body: await response.body.json(),
        };
      };
      const inFlight = Array.from({ length: 6 }, post);
      await new Promise((resolve) => setTimeout(resolve, 300));
      service.child.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 100));

      const ready = await fetch(`${service.url}/api/delivery/ready`);
      expect(ready.status).toBe(503);
      // A new request on a kept-alive connection is still served, and told to reconnect.
      const late = await post();
      expect(late.status).toBe(200);
      expect(late.connection).toBe('close');

      const results = await Promise.all(inFlight);
      expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
      expect(await service.exited).toBe(0);
      const [count] = await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM orders');
      expect(count?.n).toBe(7);
      expect(service.output.some((line) => line.includes('"msg":"shutdown complete"'))).toBe(true);
    } finally {
      await agent.close();
      await service.stop();
    }
  });
});

import path from 'node:path';
import { afterAll, beforeAll, inject } from 'vitest';
import {
  createTestDatabase,
  deliveryEnv,
  startChildService,
  startLocalSsm,
  type ChildService,
  type LocalSsm,
  type TestDatabase,
} from '@demo/testkit';
import { describeServerLimits, SHORT_HTTP_LIMITS } from '@demo/testkit/server-limits';

/** The built Delivery API's HTTP server limits, against raw sockets. */
let db: TestDatabase;
let ssm: LocalSsm;
let service: ChildService;
beforeAll(async () => {
  db = await createTestDatabase(inject('mysqlUrl'), 'delivery_limits');
  ssm = await startLocalSsm();
  service = await startChildService({
    script: path.resolve(__dirname, '../dist/server.js'),
    env: deliveryEnv(db, ssm.url, { LOG_LEVEL: 'warn', ...SHORT_HTTP_LIMITS }),
    readyPath: '/api/delivery/ready',
  });
});
afterAll(async () => {
  await service?.stop();
  await ssm?.close();
  await db?.drop();
});

describeServerLimits('the Delivery API', () => ({ url: service.url, postPath: '/api/delivery' }));

import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startChildService, type ChildService } from '@demo/testkit';
import { describeServerLimits, SHORT_HTTP_LIMITS } from '@demo/testkit/server-limits';

/** The built Order API's HTTP server limits, against raw sockets (no Delivery API needed). */
let service: ChildService;
beforeAll(async () => {
  service = await startChildService({
    script: path.resolve(__dirname, '../dist/server.js'),
    env: { DELIVERY_API_URL: 'http://127.0.0.1:9', LOG_LEVEL: 'warn', ...SHORT_HTTP_LIMITS },
    readyPath: '/api/orders/ready',
  });
});
afterAll(() => service?.stop());

describeServerLimits('the Order API', () => ({ url: service.url, postPath: '/api/orders' }));

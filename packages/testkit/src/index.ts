import type {} from '@demo/local-cloud/vitest-mysql';
export * from './database';
export * from './local-ssm';
export * from './http';
export * from './child-service';
export * from './delivery-api';
export { startTestCloud, type TestCloud } from '@demo/local-cloud/test-cloud';

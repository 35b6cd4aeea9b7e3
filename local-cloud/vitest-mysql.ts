import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { provideMysql } from './src/mysql';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Server URL (no database) of the MySQL the tests share; each test file makes its own database. */
    mysqlUrl: string;
  }
}

/**
 * The vitest global setup of the whole repository: local-cloud's MySQL step, run once for all
 * suites. It starts the private MySQL (or uses MYSQL_URL), the same way the demo does, and stops
 * it afterwards; never the machine's shared server. Test files that `inject('mysqlUrl')` import
 * this module for the type above.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'appsignals-test-mysql-'));
  const started = Date.now();
  const mysql = await provideMysql({
    ...(process.env.MYSQL_URL ? { mysqlUrl: process.env.MYSQL_URL } : {}),
    dataDir,
    searchPath: process.env.PATH ?? '',
  });
  console.log(`[mysql] ${mysql.description}, ready in ${Date.now() - started} ms`);
  project.provide('mysqlUrl', mysql.url);
  return async () => {
    await mysql.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { provideMysql } from '@demo/local-cloud';

import './provided-context';

/**
 * Starts the private MySQL once for the whole run (or uses MYSQL_URL), the same way the demo does,
 * and stops it afterwards. Never the machine's shared server.
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

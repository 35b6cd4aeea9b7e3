import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { createDatabase, dropDatabase, parseMysqlUrl, type MysqlEndpoint } from '@demo/local-cloud';

export interface TestDatabase {
  name: string;
  endpoint: MysqlEndpoint & { database: string };
  /** Runs one statement on its own connection (for assertions on rows). */
  query<T = unknown>(sql: string, values?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

/** A database of its own for one test file, so files can run in parallel. */
export async function createTestDatabase(serverUrl: string, label: string): Promise<TestDatabase> {
  const name = `t_${label.replace(/[^a-z0-9]/gi, '_').slice(0, 30)}_${randomBytes(3).toString('hex')}`;
  await createDatabase(serverUrl, name);
  const endpoint = { ...parseMysqlUrl(serverUrl), database: name };
  return {
    name,
    endpoint,
    async query<T>(sql: string, values: unknown[] = []) {
      const connection = await mysql.createConnection({ ...endpoint, timezone: 'Z' });
      try {
        const [rows] = await connection.query(sql, values);
        return rows as T[];
      } finally {
        await connection.end();
      }
    },
    drop: () => dropDatabase(serverUrl, name),
  };
}

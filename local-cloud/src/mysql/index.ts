import mysql from 'mysql2/promise';
import { freePort } from '../net/free-port';
import { parseMysqlUrl, type MysqlEndpoint } from './connection-url';
import { findServerBinary } from './find-server';
import { startPrivateServer } from './private-server';

export { parseMysqlUrl, redactMysqlUrl, type MysqlEndpoint } from './connection-url';
export { INSTALL_HINT } from './find-server';

export interface MysqlOptions {
  /** Use this server instead of starting one (MYSQL_URL). */
  mysqlUrl?: string;
  /** Data directory of the private server. */
  dataDir: string;
  /** Port of the private server; a free one when absent. */
  port?: number;
  /** PATH to look for mariadbd/mysqld in. */
  searchPath: string;
}

export interface ProvidedMysql {
  kind: 'external' | 'private';
  /** Server URL without a database. */
  url: string;
  endpoint: MysqlEndpoint;
  /** Human-readable description for logs (password masked). */
  description: string;
  /** The private server's process, when we started one. */
  process?: { pid: number; argv: string[] };
  stop(): Promise<void>;
}

/**
 * The MySQL the demo and the tests use: MYSQL_URL when given, else a private server started from
 * the installed mariadbd/mysqld, else an error that says exactly what to install.
 */
export async function provideMysql(options: MysqlOptions): Promise<ProvidedMysql> {
  if (options.mysqlUrl) {
    const endpoint = parseMysqlUrl(options.mysqlUrl);
    const url = `mysql://${encodeURIComponent(endpoint.user)}:${encodeURIComponent(endpoint.password)}@${endpoint.host}:${endpoint.port}/`;
    return {
      kind: 'external',
      url,
      endpoint,
      description: `external MySQL at ${endpoint.host}:${endpoint.port} (MYSQL_URL)`,
      stop: () => Promise.resolve(),
    };
  }
  const binary = await findServerBinary(options.searchPath);
  const port = options.port ?? (await freePort());
  const server = await startPrivateServer({ binary, dataDir: options.dataDir, port });
  return {
    kind: 'private',
    url: server.url,
    endpoint: parseMysqlUrl(server.url),
    description: `private ${binary.flavor} (${binary.server}) on 127.0.0.1:${port}, data in ${options.dataDir}, pid ${server.pid}`,
    process: { pid: server.pid, argv: server.argv },
    stop: () => server.stop(),
  };
}

/** Creates a utf8mb4 database if it does not exist yet. */
export async function createDatabase(serverUrl: string, name: string): Promise<void> {
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`Unsafe database name: ${name}`);
  const connection = await mysql.createConnection({ uri: serverUrl });
  try {
    await connection.query(
      `CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
  } finally {
    await connection.end();
  }
}

/** Drops a database if it exists (tests clean up after themselves). */
export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`Unsafe database name: ${name}`);
  const connection = await mysql.createConnection({ uri: serverUrl });
  try {
    await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
  } finally {
    await connection.end();
  }
}

import '../vitest-mysql';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createDatabase, provideMysql } from '../src/mysql';
import { findServerBinary, INSTALL_HINT } from '../src/mysql/find-server';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'local-cloud-mysql-'));
  dirs.push(dir);
  return dir;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('finding a server binary', () => {
  it('names exactly what to install when there is none', async () => {
    await expect(findServerBinary('', [])).rejects.toThrow(INSTALL_HINT);
    expect(INSTALL_HINT).toMatch(/apt-get install -y mariadb-server/);
    expect(INSTALL_HINT).toMatch(/MYSQL_URL/);
  });

  it('finds the installed mariadbd or mysqld', async () => {
    const binary = await findServerBinary(process.env.PATH ?? '');
    expect(binary.server).toMatch(/(mariadbd|mysqld)$/);
    expect(binary.version).toMatch(/\d+\.\d+/);
  });
});

describe('the private server', () => {
  it('starts on its own data directory and port, keeps data across restarts, and stops without a trace', async () => {
    const dataDir = path.join(await tempDir(), 'data');
    const first = await provideMysql({ dataDir, searchPath: process.env.PATH ?? '' });
    expect(first.kind).toBe('private');
    expect(first.endpoint.port).not.toBe(3306);
    await createDatabase(first.url, 'orders_db');
    const connection = await mysql.createConnection({ uri: `${first.url}orders_db` });
    await connection.query('CREATE TABLE t (v VARCHAR(20)) CHARACTER SET utf8mb4');
    await connection.query('INSERT INTO t VALUES (?)', ['Zoë 山田']);
    await connection.end();
    const pid = Number(/pid (\d+)/.exec(first.description)?.[1]);
    await first.stop();
    expect(isRunning(pid)).toBe(false);

    const second = await provideMysql({ dataDir, searchPath: process.env.PATH ?? '' });
    try {
      const again = await mysql.createConnection({ uri: `${second.url}orders_db` });
      const [rows] = await again.query('SELECT v FROM t');
      await again.end();
      expect(rows).toEqual([{ v: 'Zoë 山田' }]);
    } finally {
      await second.stop();
    }
  });

  it('uses MYSQL_URL instead when it is set, and stopping it leaves that server alone', async () => {
    const external = await provideMysql({ mysqlUrl: inject('mysqlUrl'), dataDir: '/nonexistent', searchPath: '' });
    expect(external.kind).toBe('external');
    await external.stop();
    const connection = await mysql.createConnection({ uri: external.url });
    await connection.query('SELECT 1');
    await connection.end();
  });

  it('explains a bad MYSQL_URL', async () => {
    await expect(provideMysql({ mysqlUrl: 'postgres://x', dataDir: '', searchPath: '' })).rejects.toThrow(/mysql:\/\//);
  });
});

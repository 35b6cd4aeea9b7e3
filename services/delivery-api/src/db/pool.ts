import mysql, { type Pool, type PoolConnection } from 'mysql2/promise';
import type { PoolParams } from '@demo/contracts';

/** Raised when no connection was free within the acquire timeout: the pool is exhausted. */
export class PoolTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`No database connection became free within ${timeoutMs} ms`);
    this.name = 'PoolTimeoutError';
  }
}

export interface PoolSettings {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
  acquireTimeoutMs: number;
}

export interface PoolShape {
  connectionLimit: number;
  maxIdle: number;
}

/** SQLAlchemy's pool_size + max_overflow, in mysql2 terms (DESIGN §4). */
export function poolShape(params: Pick<PoolParams, 'poolSize' | 'maxOverflow'>): PoolShape {
  return { connectionLimit: params.poolSize + params.maxOverflow, maxIdle: params.poolSize };
}

/**
 * A mysql2 pool with the acquire timeout mysql2 lacks. A connection that arrives after its caller
 * gave up is released straight back, so a timeout never leaks a connection.
 */
export class Database {
  readonly pool: Pool;
  readonly shape: PoolShape;

  constructor(
    private readonly settings: PoolSettings,
    params: Pick<PoolParams, 'poolSize' | 'maxOverflow'>,
  ) {
    this.shape = poolShape(params);
    this.pool = mysql.createPool({
      host: settings.host,
      port: settings.port,
      database: settings.database,
      user: settings.user,
      password: settings.password,
      connectionLimit: this.shape.connectionLimit,
      maxIdle: this.shape.maxIdle,
      idleTimeout: 60_000,
      waitForConnections: true,
      queueLimit: 0,
      enableKeepAlive: true,
      charset: 'utf8mb4_unicode_ci',
      // DATETIME columns hold UTC; read and write them as UTC whatever the host's zone is.
      timezone: 'Z',
      connectTimeout: 10_000,
    });
  }

  async acquire(): Promise<PoolConnection> {
    const { acquireTimeoutMs } = this.settings;
    let gaveUp = false;
    let timer: NodeJS.Timeout | undefined;
    const pending = this.pool.getConnection();
    pending.then(
      (connection) => {
        if (gaveUp) connection.release();
      },
      () => undefined,
    );
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        gaveUp = true;
        reject(new PoolTimeoutError(acquireTimeoutMs));
      }, acquireTimeoutMs);
    });
    try {
      return await Promise.race([pending, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Runs `work` on a pooled connection and always gives the connection back. */
  async withConnection<T>(work: (connection: PoolConnection) => Promise<T>): Promise<T> {
    const connection = await this.acquire();
    try {
      return await work(connection);
    } finally {
      connection.release();
    }
  }

  /** `SELECT 1` on a pooled connection (the health check). */
  async ping(): Promise<void> {
    await this.withConnection((connection) => connection.query('SELECT 1'));
  }

  end(): Promise<void> {
    return this.pool.end();
  }
}

import type { Database } from './pool';

/**
 * Schema changes, applied in order once each at start-up. Replicas that start together take a
 * named lock, so exactly one applies a change and the others see it done.
 */
const MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'create orders',
    sql: `CREATE TABLE IF NOT EXISTS orders (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      order_id VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
      customer_name VARCHAR(255) NOT NULL,
      total_amount DECIMAL(10,2) NOT NULL,
      shipping_address TEXT NOT NULL,
      items JSON NOT NULL,
      content_hash CHAR(64) NOT NULL,
      created_at DATETIME(3) NOT NULL,
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
      UNIQUE KEY uq_orders_order_id (order_id),
      KEY idx_orders_created_at (created_at)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
  },
];

const LOCK_NAME = 'orders_schema_migrations';

export async function migrate(database: Database): Promise<number[]> {
  return database.withConnection(async (connection) => {
    const [lockRows] = await connection.query('SELECT GET_LOCK(?, 30) AS locked', [LOCK_NAME]);
    if ((lockRows as { locked: number | null }[])[0]?.locked !== 1) {
      throw new Error('Could not take the schema migration lock within 30 s');
    }
    try {
      await connection.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version INT NOT NULL PRIMARY KEY,
        name VARCHAR(200) NOT NULL,
        applied_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
      ) ENGINE=InnoDB`);
      const [rows] = await connection.query('SELECT version FROM schema_migrations');
      const done = new Set((rows as { version: number }[]).map((row) => row.version));
      const applied: number[] = [];
      for (const migration of MIGRATIONS) {
        if (done.has(migration.version)) continue;
        await connection.query(migration.sql);
        await connection.query('INSERT INTO schema_migrations (version, name) VALUES (?, ?)', [
          migration.version,
          migration.name,
        ]);
        applied.push(migration.version);
      }
      return applied;
    } finally {
      await connection.query('SELECT RELEASE_LOCK(?)', [LOCK_NAME]);
    }
  });
}

import { createHash } from 'node:crypto';
import type { RowDataPacket } from 'mysql2/promise';
import { formatCents, type StoredOrder, type ValidDelivery } from '@demo/contracts';
import type { FaultSettings } from '../parameters';
import type { Database } from './pool';

/** Re-sent order_id with other content: the stored order wins and the caller hears 409. */
export class OrderConflictError extends Error {
  constructor(readonly orderId: string) {
    super(`Order ${orderId} already exists with different content`);
    this.name = 'OrderConflictError';
  }
}

export interface StoreResult {
  orderId: string;
  createdAt: Date;
  /** True when the same order was stored before and this call stored nothing. */
  replayed: boolean;
}

interface StoredItem {
  product_id: string;
  quantity: number;
  /** Cents, or null when the item came without a price. */
  price: number | null;
}

interface OrderRow extends RowDataPacket {
  order_id: string;
  customer_name: string;
  total_amount: string;
  shipping_address: string;
  items: string | StoredItem[];
  content_hash: string;
  created_at: Date;
}

const SELECT_COLUMNS = 'order_id, customer_name, total_amount, shipping_address, items, content_hash, created_at';

function storedItems(order: ValidDelivery): StoredItem[] {
  return (order.items ?? []).map((item) => ({
    product_id: item.product_id,
    quantity: item.quantity,
    price: item.price ?? null,
  }));
}

/** What makes two sends of one order_id "the same order" (not the timestamp, which retries change). */
function contentHash(order: ValidDelivery, items: StoredItem[]): string {
  const canonical = JSON.stringify([order.customer_name, order.total_amount, order.shipping_address, items]);
  return createHash('sha256').update(canonical).digest('hex');
}

function toStoredOrder(row: OrderRow): StoredOrder {
  // MySQL hands JSON columns back parsed; MariaDB (JSON = LONGTEXT) hands back the text.
  const items = typeof row.items === 'string' ? (JSON.parse(row.items) as StoredItem[]) : row.items;
  return {
    order_id: row.order_id,
    customer_name: row.customer_name,
    total_amount: row.total_amount,
    shipping_address: row.shipping_address,
    items: items.map((item) => ({
      product_id: item.product_id,
      quantity: item.quantity,
      price: item.price === null ? null : formatCents(item.price),
    })),
    item_count: items.length,
    created_at: row.created_at.toISOString(),
  };
}

/** All SQL about orders. Every statement is parameterised; text is stored exactly as received. */
export class OrdersRepository {
  constructor(private readonly database: Database) {}

  /**
   * Stores an order once. Normally one autocommitted INSERT. With the fault on, the insert runs in a
   * transaction that first sleeps, so it holds its pooled connection for the fault delay, which is
   * what exhausts a small pool. A duplicate order_id is answered from the stored row.
   */
  async store(order: ValidDelivery, fault: FaultSettings): Promise<StoreResult> {
    const items = storedItems(order);
    const hash = contentHash(order, items);
    const createdAt = new Date();
    const values = [
      order.order_id,
      order.customer_name,
      formatCents(order.total_amount),
      order.shipping_address,
      JSON.stringify(items),
      hash,
      createdAt,
    ];
    const insert =
      'INSERT INTO orders (order_id, customer_name, total_amount, shipping_address, items, content_hash, created_at) ' +
      'VALUES (?, ?, ?, ?, ?, ?, ?)';
    try {
      await this.database.withConnection(async (connection) => {
        if (!fault.faultInjection) {
          await connection.execute(insert, values);
          return;
        }
        await connection.beginTransaction();
        try {
          await connection.query('SELECT SLEEP(?)', [fault.faultDelaySeconds]);
          await connection.execute(insert, values);
          await connection.commit();
        } catch (error) {
          // A connection whose rollback failed has an unknown transaction state: never reuse it.
          await connection.rollback().catch(() => connection.destroy());
          throw error;
        }
      });
      return { orderId: order.order_id, createdAt, replayed: false };
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      const existing = await this.findRow(order.order_id);
      if (!existing) throw error;
      if (existing.content_hash !== hash) throw new OrderConflictError(order.order_id);
      return { orderId: order.order_id, createdAt: existing.created_at, replayed: true };
    }
  }

  async find(orderId: string): Promise<StoredOrder | undefined> {
    const row = await this.findRow(orderId);
    return row && toStoredOrder(row);
  }

  /** Newest first. */
  async recent(limit: number): Promise<StoredOrder[]> {
    const rows = await this.database.withConnection(async (connection) => {
      const [result] = await connection.query<OrderRow[]>(
        `SELECT ${SELECT_COLUMNS} FROM orders ORDER BY created_at DESC, id DESC LIMIT ?`,
        [limit],
      );
      return result;
    });
    return rows.map(toStoredOrder);
  }

  private async findRow(orderId: string): Promise<OrderRow | undefined> {
    return this.database.withConnection(async (connection) => {
      const [rows] = await connection.execute<OrderRow[]>(`SELECT ${SELECT_COLUMNS} FROM orders WHERE order_id = ?`, [
        orderId,
      ]);
      return rows[0];
    });
  }
}

function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'ER_DUP_ENTRY';
}

import 'server-only';
import {
  OrderRequestSchema,
  RECENT_ORDERS_DEFAULT_LIMIT,
  toFieldErrors,
  type RecentOrdersResponse,
} from '@demo/contracts';
import type { AuditLog } from './audit';
import { ValidationError } from './errors';
import type { OrderApi, SubmitResult } from './order-api';

/** Orders as the cockpit sends and lists them: checked with the shared contract, audited, sent as a client would. */
export class OrderDesk {
  constructor(
    private readonly orderApi: OrderApi,
    private readonly audit: AuditLog,
  ) {}

  /** Validates with the shared contract (422 with the fields at fault), sends, and records the answer. */
  async submit(order: unknown, actor: string): Promise<SubmitResult> {
    const parsed = OrderRequestSchema.safeParse(order);
    if (!parsed.success) throw new ValidationError('Validation failed', toFieldErrors(parsed.error.issues));
    const result = await this.orderApi.submit(order);
    const orderId =
      typeof result.body === 'object' && result.body && 'order_id' in result.body ? result.body.order_id : undefined;
    this.audit.append({
      actor,
      action: 'order.submit',
      outcome: String(result.status),
      detail: { order_id: orderId, latency_ms: result.latencyMs },
    });
    return result;
  }

  /** The newest orders; `limit` as the query string gave it (1..100, default 10). */
  recent(limit: string | null): Promise<RecentOrdersResponse> {
    const count = Number(limit ?? RECENT_ORDERS_DEFAULT_LIMIT);
    if (!Number.isInteger(count) || count < 1 || count > 100)
      throw new ValidationError('limit must be a whole number from 1 to 100', [
        { field: 'limit', message: 'must be a whole number from 1 to 100' },
      ]);
    return this.orderApi.recent(count);
  }
}

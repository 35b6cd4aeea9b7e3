import 'server-only';
import {
  OrderHealthSchema,
  RecentOrdersResponseSchema,
  type OrderHealth,
  type RecentOrdersResponse,
} from '@demo/contracts';
import type { Kube } from './kube';
import { SlotCache } from './slot-cache';
import type { SubmitResult } from '../shared/orders';

export type { SubmitResult };

/**
 * The Order API, found where clients find it: the address in its Service's load balancer status
 * (locally local-cloud's stable port, on EKS the ELB). The address is read once per 30 s slot.
 */
export class OrderApi {
  private readonly address = new SlotCache<string>(30_000);

  constructor(
    private readonly kube: Kube,
    private readonly serviceName: string,
  ) {}

  url(): Promise<string> {
    return this.address.get('url', () => this.kube.serviceUrl(this.serviceName));
  }

  /** Sends an order as a client would and reports what came back, whatever it was. */
  async submit(order: unknown): Promise<SubmitResult> {
    const url = await this.url();
    const started = performance.now();
    const response = await fetch(`${url}/api/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(order),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // keep the text
    }
    return { status: response.status, latencyMs: Math.round((performance.now() - started) * 10) / 10, body, url };
  }

  async recent(limit: number): Promise<RecentOrdersResponse> {
    const response = await fetch(`${await this.url()}/api/orders?limit=${limit}`, {
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) throw new Error(`Order API answered ${response.status} for recent orders`);
    return RecentOrdersResponseSchema.parse(await response.json());
  }

  async health(): Promise<{ httpStatus: number; body: OrderHealth }> {
    const response = await fetch(`${await this.url()}/api/orders/health`, { signal: AbortSignal.timeout(10_000) });
    return { httpStatus: response.status, body: OrderHealthSchema.parse(await response.json()) };
  }
}

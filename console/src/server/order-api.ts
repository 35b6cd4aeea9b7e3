import 'server-only';
import {
  OrderHealthSchema,
  RecentOrdersResponseSchema,
  type OrderHealth,
  type RecentOrdersResponse,
} from '@demo/contracts';
import type { Kube } from './kube';
import type { SubmitResult } from '../shared/orders';

export type { SubmitResult };

/**
 * The Order API, found where clients find it: the address in its Service's load balancer status
 * (locally local-cloud's stable port, on EKS the ELB). The address is cached briefly.
 */
export class OrderApi {
  private cached: { url: string; at: number } | undefined;

  constructor(
    private readonly kube: Kube,
    private readonly serviceName: string,
  ) {}

  async url(): Promise<string> {
    if (this.cached && Date.now() - this.cached.at < 30_000) return this.cached.url;
    const url = await this.kube.serviceUrl(this.serviceName);
    this.cached = { url, at: Date.now() };
    return url;
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

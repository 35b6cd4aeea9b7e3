import { Pool } from 'undici';
import {
  DeliveryHealthSchema,
  DeliveryResponseSchema,
  ErrorBodySchema,
  RecentOrdersResponseSchema,
  StoredOrderSchema,
  type DeliveryRequest,
  type DeliveryResponse,
  type OrderHealth,
  type RecentOrdersResponse,
  type StoredOrder,
} from '@demo/contracts';
import { HttpError } from '@demo/service-kit';
import type { z } from 'zod';
import type { Config } from './config';

type FailureKind = 'timeout' | 'connect' | 'network';

/** One exchange with the Delivery API: an HTTP answer, or a failure to get one. */
type Outcome =
  | { kind: 'response'; status: number; retryAfter: string | undefined; text: string }
  | { kind: 'failure'; failure: FailureKind; message: string };

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
const CONNECT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

function classify(error: unknown): { failure: FailureKind; message: string } {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  const message = error instanceof Error ? error.message || code : String(error);
  if (TIMEOUT_CODES.has(code)) return { failure: 'timeout', message };
  if (CONNECT_CODES.has(code)) return { failure: 'connect', message };
  return { failure: 'network', message };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The seed's messages for each way the call can fail (seed contract §1.5). */
function failureError(failure: FailureKind): HttpError {
  switch (failure) {
    case 'timeout':
      return new HttpError(504, 'Request to delivery service timed out');
    case 'connect':
      return new HttpError(503, 'Unable to connect to delivery service');
    case 'network':
      return new HttpError(503, 'Delivery service is currently unavailable');
  }
}

/** The error for an HTTP answer other than 2xx; 404 only where the caller asks for it. */
function statusError(status: number, text: string): HttpError {
  const parsed = ErrorBodySchema.safeParse(parseJson(text));
  const body = parsed.success ? parsed.data : undefined;
  if (status === 400 || status === 422) {
    return new HttpError(status, body?.message ?? body?.error ?? 'Invalid order data', {
      ...(body?.details ? { details: body.details } : {}),
    });
  }
  if (status === 409) {
    return new HttpError(409, body?.message ?? 'Order already exists with different content', {
      ...(body?.details ? { details: body.details } : {}),
    });
  }
  if (status >= 500) return new HttpError(502, 'Delivery service is experiencing issues');
  return new HttpError(502, `Delivery service error (HTTP ${status})`);
}

export interface DeliveryClientOptions {
  /** Waits between retries; tests pass a recorder. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** Seconds a Retry-After asks for: delta-seconds, or an HTTP-date from now (RFC 9110 §10.2.3). */
export function retryAfterSeconds(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  // IMF-fixdate, the form senders must use: `Wed, 21 Oct 2015 07:28:00 GMT`.
  if (!/^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - nowMs) / 1000);
}

/**
 * The Order API's client for the Delivery API: one keep-alive pool, the original's timeouts
 * (connect 10 s, read 30 s) and retries (3, on timeouts, connection errors, 5xx and 429, with
 * 1/2/4 s backoff plus 10-30 % jitter). Retrying a POST is safe because orders are idempotent.
 * A 503's Retry-After is honoured within the original's retry budget (every backoff at its
 * largest jitter: 9.1 s by default): the wait is at least what it asks, and when that would take
 * the retries past the budget, the client answers at once instead of holding its caller.
 */
export class DeliveryClient {
  private readonly pool: Pool;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(
    private readonly settings: Config['delivery'],
    private readonly userAgent: string,
    options: DeliveryClientOptions = {},
  ) {
    this.pool = new Pool(settings.url, {
      connections: settings.maxConnections,
      connect: { timeout: settings.connectTimeoutMs },
      headersTimeout: settings.readTimeoutMs,
      bodyTimeout: settings.readTimeoutMs,
    });
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
  }

  get url(): string {
    return this.settings.url;
  }

  /** POST /api/delivery; throws HttpError with the status the Order API answers. */
  async createOrder(payload: DeliveryRequest): Promise<DeliveryResponse> {
    const outcome = await this.withRetries(() =>
      this.send('POST', '/api/delivery', JSON.stringify(payload), this.settings.readTimeoutMs),
    );
    if (outcome.kind === 'failure') throw failureError(outcome.failure);
    if (outcome.status < 200 || outcome.status >= 300) throw statusError(outcome.status, outcome.text);
    const body = parseJson(outcome.text);
    if (body === undefined) throw failureError('network');
    if (typeof body === 'object' && body !== null && 'success' in body && body.success === false) {
      const message = 'message' in body ? String(body.message) : 'unknown reason';
      throw new HttpError(500, `Order processing failed: ${message}`);
    }
    return this.expect(DeliveryResponseSchema, body);
  }

  /** GET one stored order; undefined when the Delivery API has none. */
  async getOrder(orderId: string): Promise<StoredOrder | undefined> {
    const outcome = await this.withRetries(() =>
      this.send('GET', `/api/delivery/orders/${encodeURIComponent(orderId)}`, undefined, this.settings.readTimeoutMs),
    );
    if (outcome.kind === 'response' && outcome.status === 404) return undefined;
    return this.expect(StoredOrderSchema, this.successBody(outcome));
  }

  async recentOrders(limit: number): Promise<RecentOrdersResponse> {
    const outcome = await this.withRetries(() =>
      this.send('GET', `/api/delivery/orders?limit=${limit}`, undefined, this.settings.readTimeoutMs),
    );
    return this.expect(RecentOrdersResponseSchema, this.successBody(outcome));
  }

  /**
   * One call to Delivery health, no retry, with the original's verdicts: a reachable Delivery
   * API that is unhealthy, slow or failing makes the Order API "degraded" (200); an unreachable
   * one makes it "unhealthy" (503).
   */
  async health(): Promise<{
    overall: OrderHealth['status'];
    delivery: OrderHealth['dependencies']['delivery_api'];
  }> {
    const started = performance.now();
    const outcome = await this.send('GET', '/api/delivery/health', undefined, this.settings.healthTimeoutMs);
    const elapsed = Math.round((performance.now() - started) * 10) / 10;
    const base = { url: this.settings.url, response_time_ms: elapsed };
    if (outcome.kind === 'failure') {
      if (outcome.failure === 'timeout') {
        const seconds = this.settings.healthTimeoutMs / 1000;
        return {
          overall: 'degraded',
          delivery: { ...base, status: 'unhealthy', error: `Timeout after ${seconds} seconds: ${outcome.message}` },
        };
      }
      return {
        overall: 'unhealthy',
        delivery: { ...base, status: 'unhealthy', error: `Connection error: ${outcome.message}` },
      };
    }
    if (outcome.status < 200 || outcome.status >= 300) {
      return {
        overall: 'degraded',
        delivery: { ...base, status: 'unhealthy', error: `HTTP ${outcome.status}: ${outcome.text.slice(0, 200)}` },
      };
    }
    const parsed = DeliveryHealthSchema.safeParse(parseJson(outcome.text));
    if (!parsed.success) {
      return {
        overall: 'unhealthy',
        delivery: { ...base, status: 'unhealthy', error: 'Connection error: invalid health response' },
      };
    }
    const extra = { service_version: parsed.data.version, database_status: parsed.data.database.status };
    if (parsed.data.status !== 'healthy') {
      return {
        overall: 'degraded',
        delivery: { ...base, ...extra, status: 'unhealthy', error: 'Delivery API reports unhealthy status' },
      };
    }
    return { overall: 'healthy', delivery: { ...base, ...extra, status: 'healthy', error: null } };
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  private successBody(outcome: Outcome): unknown {
    if (outcome.kind === 'failure') throw failureError(outcome.failure);
    if (outcome.status < 200 || outcome.status >= 300) throw statusError(outcome.status, outcome.text);
    const body = parseJson(outcome.text);
    if (body === undefined) throw failureError('network');
    return body;
  }

  private expect<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new HttpError(502, 'Delivery service returned an unexpected response');
    return parsed.data;
  }

  private async withRetries(send: () => Promise<Outcome>): Promise<Outcome> {
    let waitedMs = 0;
    for (let attempt = 0; ; attempt++) {
      const outcome = await send();
      const retryable = outcome.kind === 'failure' || outcome.status >= 500 || outcome.status === 429;
      if (!retryable || attempt >= this.settings.maxRetries) return outcome;
      const delayMs = this.backoffMs(attempt, outcome);
      if (outcome.kind === 'response' && outcome.status === 503 && waitedMs + delayMs > this.retryBudgetMs())
        return outcome;
      waitedMs += delayMs;
      await this.sleep(delayMs);
    }
  }

  /** The longest the original's retries wait in all: every backoff at its largest jitter. */
  retryBudgetMs(): number {
    let total = 0;
    for (let n = 0; n < this.settings.maxRetries; n++)
      total += Math.max(Math.min(this.settings.backoffFactorSeconds * 2 ** n, 30) * 1.3, 0.1) * 1000;
    return total;
  }

  /**
   * min(factor * 2^n, 30) s, plus 10-30 % jitter. A 429's numeric Retry-After replaces it (at most
   * 60 s), as in the original; a 503's Retry-After (seconds or a date) is the least it waits.
   */
  backoffMs(attempt: number, outcome: Outcome): number {
    let seconds = Math.min(this.settings.backoffFactorSeconds * 2 ** attempt, 30);
    if (outcome.kind === 'response' && outcome.status === 429 && outcome.retryAfter !== undefined) {
      const retryAfter = Number(outcome.retryAfter);
      if (Number.isFinite(retryAfter) && retryAfter >= 0) seconds = Math.min(retryAfter, 60);
    }
    if (outcome.kind === 'response' && outcome.status === 503) {
      const asked = retryAfterSeconds(outcome.retryAfter, Date.now());
      if (asked !== undefined) seconds = Math.max(seconds, asked);
    }
    const jittered = seconds * (1.1 + this.random() * 0.2);
    return Math.max(jittered, 0.1) * 1000;
  }

  private async send(
    method: 'GET' | 'POST',
    path: string,
    body: string | undefined,
    timeoutMs: number,
  ): Promise<Outcome> {
    try {
      const response = await this.pool.request({
        method,
        path,
        headers: {
          'user-agent': this.userAgent,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body }),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const text = await response.body.text();
      const retryAfter = response.headers['retry-after'];
      return {
        kind: 'response',
        status: response.statusCode,
        retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
        text,
      };
    } catch (error) {
      return { kind: 'failure', ...classify(error) };
    }
  }
}

import autocannon from 'autocannon';

export interface CannonResult {
  /** Completed requests per second over the run. */
  rps: number;
  p50: number;
  p99: number;
  /** Responses outside 2xx, plus transport errors and timeouts. */
  failed: number;
  total: number;
}

/**
 * A closed-model run: `connections` keep-alive connections, each sending its next request when the
 * previous one answers. `body` is called per request (each order needs its own order_id).
 */
export async function cannon(options: {
  url: string;
  connections: number;
  durationSeconds: number;
  method?: 'GET' | 'POST';
  body?: () => string;
  /** Caps the rate (autocannon's overallRate) for latency comparisons at a fixed load. */
  overallRate?: number;
}): Promise<CannonResult> {
  const body = options.body;
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationSeconds,
    // autocannon paces a fixed rate in bursts at the top of each second and, by default, fills in
    // "corrected" latencies for them; only what was really measured is compared here.
    ...(options.overallRate ? { overallRate: options.overallRate, ignoreCoordinatedOmission: true } : {}),
    requests: [
      {
        method: options.method ?? 'POST',
        headers: { 'content-type': 'application/json' },
        ...(body ? { setupRequest: (request: autocannon.Request) => ({ ...request, body: body() }) } : {}),
      },
    ],
  });
  const failed = result.non2xx + result.errors + result.timeouts;
  return {
    rps: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failed,
    total: result.requests.total,
  };
}

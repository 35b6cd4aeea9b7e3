import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';
import type { Logger } from 'pino';
import { closeHttpServer, listen } from '../http/listen';
import { refuseForeignHost } from '../http/loopback-host';
import { BodyTooLargeError, readRawBody } from '../http/read-body';
import { countMetricPoints, OtlpFormatError, parseTraces } from './otlp';
import type { TelemetryPipeline } from './pipeline';

export interface Receiver {
  url: string;
  port: number;
  metricPointsReceived: () => number;
  close(): Promise<void>;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** The body, inflated when it is gzip; `limit` caps it both as sent and as inflated. */
async function readRaw(req: IncomingMessage, limit: number): Promise<Buffer> {
  const raw = await readRawBody(req, limit);
  if (req.headers['content-encoding'] !== 'gzip') return raw;
  // Inflated with the same limit: a small gzip bomb must not inflate to gigabytes.
  try {
    return gunzipSync(raw, { maxOutputLength: limit });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      throw new BodyTooLargeError(`body inflates to over ${limit} bytes`);
    throw new OtlpFormatError(`the gzip body does not inflate: ${(error as Error).message}`);
  }
}

/**
 * OTLP/HTTP receiver (`/v1/traces`, `/v1/metrics`) in the JSON encoding, plus a small read API for
 * recent traces: `GET /api/traces?service=&operation=&from=&to=&limit=` and `GET /api/traces/:id`.
 * Protobuf is refused with 415: local-cloud configures its workloads with `http/json`.
 */
export async function startReceiver(options: {
  host: string;
  port: number;
  pipeline: TelemetryPipeline;
  logger: Logger;
  /** Requests the AWS endpoint and Kubernetes API answered, for `/api/status` (what watching costs). */
  requestsServed?: () => { aws: number; kube: number };
}): Promise<Receiver> {
  const { pipeline } = options;
  let metricPoints = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (refuseForeignHost(req, res)) return;
    const url = new URL(req.url ?? '/', 'http://local');
    if (req.method === 'POST' && (url.pathname === '/v1/traces' || url.pathname === '/v1/metrics')) {
      const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim();
      if (type !== 'application/json') {
        req.resume();
        sendJson(res, 415, {
          code: 3,
          message: `local-cloud accepts OTLP/HTTP in JSON only (got ${type || 'no content type'}): set OTEL_EXPORTER_OTLP_PROTOCOL=http/json`,
        });
        return;
      }
      let body: unknown;
      try {
        body = JSON.parse((await readRaw(req, 32 * 1024 * 1024)).toString('utf8'));
        if (url.pathname === '/v1/traces') pipeline.ingest(parseTraces(body));
        else metricPoints += countMetricPoints(body);
      } catch (error) {
        if (error instanceof SyntaxError || error instanceof OtlpFormatError || error instanceof BodyTooLargeError) {
          sendJson(res, 400, { code: 3, message: `invalid OTLP request: ${error.message}` });
          return;
        }
        throw error;
      }
      sendJson(res, 200, { partialSuccess: {} });
      return;
    }
    if (req.method === 'GET' && url.pathname === '/api/traces') {
      const number = (name: string) => (url.searchParams.has(name) ? Number(url.searchParams.get(name)) : undefined);
      const service = url.searchParams.get('service') ?? undefined;
      const operation = url.searchParams.get('operation') ?? undefined;
      const fromMs = number('from');
      const toMs = number('to');
      const limit = Math.min(Math.max(number('limit') ?? 50, 1), 500);
      sendJson(res, 200, {
        traces: pipeline.traces.search({
          limit,
          ...(service ? { service } : {}),
          ...(operation ? { operation } : {}),
          ...(fromMs === undefined ? {} : { fromMs }),
          ...(toMs === undefined ? {} : { toMs }),
        }),
      });
      return;
    }
    const traceMatch = /^\/api\/traces\/([0-9a-f]{32})$/.exec(url.pathname);
    if (req.method === 'GET' && traceMatch?.[1]) {
      const spans = pipeline.traces.spans(traceMatch[1]);
      if (!spans) sendJson(res, 404, { message: `trace ${traceMatch[1]} is not (or no longer) kept` });
      else sendJson(res, 200, { traceId: traceMatch[1], spans });
      return;
    }
    if (req.method === 'GET' && url.pathname === '/api/status') {
      sendJson(res, 200, {
        spansReceived: pipeline.spansReceived,
        metricPointsReceived: metricPoints,
        series: pipeline.metrics.seriesCount,
        droppedSeries: pipeline.metrics.droppedSeries,
        tracesKept: pipeline.traces.size,
        droppedSpans: pipeline.traces.droppedSpans,
        pendingSpans: pipeline.pendingSpans,
        apiRequestsServed: options.requestsServed?.() ?? { aws: 0, kube: 0 },
      });
      return;
    }
    sendJson(res, 404, { message: `no route for ${req.method} ${url.pathname}` });
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      options.logger.error({ err: error }, 'telemetry receiver failed');
      if (!res.headersSent) sendJson(res, 500, { code: 13, message: 'local-cloud internal error' });
      else res.end();
    });
  });
  const port = await listen(server, options.port, options.host, 'LOCAL_CLOUD_OTLP_PORT');
  return {
    url: `http://${options.host}:${port}`,
    port,
    metricPointsReceived: () => metricPoints,
    close: () => closeHttpServer(server),
  };
}

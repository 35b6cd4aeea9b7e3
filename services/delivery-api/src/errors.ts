import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { ErrorBody, FieldError } from '@demo/contracts';
import { HttpError, type Logger } from '@demo/service-kit';
import { OrderConflictError } from './db/orders-repository';
import { PoolTimeoutError } from './db/pool';

interface ErrorResponse {
  status: number;
  body: ErrorBody;
  headers?: Record<string, string>;
}

function body(status: number, error: string, message?: string, details?: FieldError[]): ErrorBody {
  return {
    error,
    status_code: status,
    ...(message === undefined ? {} : { message }),
    ...(details === undefined ? {} : { details }),
  };
}

/** body-parser marks its errors with `type`; these are the client's fault, not ours. */
function bodyParserError(error: unknown): ErrorResponse | undefined {
  if (typeof error !== 'object' || error === null || !('type' in error)) return undefined;
  switch (error.type) {
    case 'entity.parse.failed':
      return { status: 400, body: body(400, 'Malformed JSON', 'The request body is not valid JSON') };
    case 'entity.too.large':
      return { status: 413, body: body(413, 'Payload Too Large', 'The request body is too large') };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return { status: 415, body: body(415, 'Unsupported Media Type', 'Send UTF-8 JSON') };
    case 'request.aborted':
      return { status: 400, body: body(400, 'Request aborted') };
    default:
      return undefined;
  }
}

export function toErrorResponse(error: unknown): ErrorResponse {
  if (error instanceof HttpError) {
    return {
      status: error.statusCode,
      body: body(error.statusCode, error.message, error.extra.detailMessage, error.extra.details),
      ...(error.extra.headers ? { headers: error.extra.headers } : {}),
    };
  }
  if (error instanceof PoolTimeoutError) {
    // The original's "dead" 503 branch, made live: the pool really is exhausted.
    return {
      status: 503,
      body: body(503, 'Too Many Connections', 'Database connection pool exhausted. Please try again later.'),
      headers: { 'Retry-After': '1' },
    };
  }
  if (error instanceof OrderConflictError) {
    return {
      status: 409,
      body: body(409, 'Conflict', `order_id ${error.orderId} already exists with different content`, [
        { field: 'order_id', message: 'already used for a different order' },
      ]),
    };
  }
  return bodyParserError(error) ?? { status: 500, body: body(500, 'Internal server error') };
}

/** The one error boundary: logs, then answers JSON; 5xx bodies never carry internal messages. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const response = toErrorResponse(error);
    if (response.status >= 500) {
      logger.error({ err: error, method: req.method, url: req.originalUrl }, 'request failed');
    }
    if (response.headers) res.set(response.headers);
    res.status(response.status).json(response.body);
  };
}

export const notFound: RequestHandler = (req, res) => {
  res.status(404).json(body(404, 'Not Found', `No route for ${req.method} ${req.path}`));
};

/** For `router.route(path).get(...).all(methodNotAllowed(['GET']))`. */
export function methodNotAllowed(allowed: readonly string[]): RequestHandler {
  const allow = [...allowed, ...(allowed.includes('GET') ? ['HEAD'] : [])].join(', ');
  return (req, res) => {
    res.set('Allow', allow);
    res.status(405).json(body(405, 'Method Not Allowed', `${req.method} is not allowed here; use ${allow}`));
  };
}

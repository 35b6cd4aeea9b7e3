import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { ErrorBody, FieldError } from '@demo/contracts';
import { HttpError } from '@demo/service-kit';

function body(status: number, error: string, extra: { message?: string; details?: FieldError[] } = {}): ErrorBody {
  return { error, status_code: status, ...extra };
}

/** `/items/0/price` as `items.0.price`; the root as `(body)`. */
function fieldOf(instancePath: string): string {
  const field = instancePath.replace(/^\//, '').split('/').filter(Boolean).join('.');
  return field || '(body)';
}

/** Fastify's own 4xx errors (body parsing), rendered in our shape. */
function frameworkError(error: FastifyError): { status: number; body: ErrorBody } | undefined {
  const status = error.statusCode ?? 500;
  if (status < 400 || status >= 500) return undefined;
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        status: 415,
        body: body(415, 'Unsupported Media Type', { message: 'Request must be JSON (Content-Type: application/json)' }),
      };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, body: body(413, 'Payload Too Large', { message: 'The request body is too large' }) };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { status: 400, body: body(400, 'Malformed JSON', { message: 'The request body is not valid JSON' }) };
    default:
      if (error instanceof SyntaxError) {
        return { status: 400, body: body(400, 'Malformed JSON', { message: 'The request body is not valid JSON' }) };
      }
      return { status, body: body(status, error.message) };
  }
}

/**
 * The one error boundary: schema failures become 422 with the fields at fault, HttpErrors keep
 * their status, Fastify's parsing errors keep theirs, and anything else is a 500 that says nothing
 * about internals (the details go to the log).
 */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const details = error.validation.map((issue) => ({
        field: fieldOf(issue.instancePath),
        message: issue.message ?? 'is invalid',
      }));
      return reply.code(422).send(body(422, 'Validation failed', { details }));
    }
    if (error instanceof HttpError) {
      if (error.statusCode >= 500)
        request.log.warn({ status: error.statusCode, reason: error.message }, 'order failed');
      if (error.extra.headers) void reply.headers(error.extra.headers);
      return reply.code(error.statusCode).send(
        body(error.statusCode, error.message, {
          ...(error.extra.detailMessage ? { message: error.extra.detailMessage } : {}),
          ...(error.extra.details ? { details: error.extra.details } : {}),
        }),
      );
    }
    const known = frameworkError(error);
    if (known) return reply.code(known.status).send(known.body);
    request.log.error({ err: error }, 'unhandled error');
    return reply.code(500).send(body(500, 'Internal server error during order processing'));
  });
}

/**
 * 404 for unknown paths, 405 (with Allow) for known paths and the wrong method. Fastify answers
 * both with 404, so the routes are recorded as they are added and matched here.
 */
export function installNotFound(app: FastifyInstance): void {
  const routes: { pattern: RegExp; methods: string[] }[] = [];
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/docs')) return;
    const source = route.url
      .split('/')
      .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/');
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const existing = routes.find((r) => r.pattern.source === `^${source}$`);
    if (existing) existing.methods.push(...methods);
    else routes.push({ pattern: new RegExp(`^${source}$`), methods: [...methods] });
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const candidates = routes.filter((route) => route.pattern.test(path));
    // /api/orders/health is static and /api/orders/:order_id parametric; both may match a path.
    const allowed = [...new Set(candidates.flatMap((route) => route.methods))];
    if (allowed.length > 0) {
      void reply.header('Allow', allowed.join(', '));
      return reply.code(405).send(
        body(405, 'Method Not Allowed', {
          message: `${request.method} is not allowed here; use ${allowed.join(', ')}`,
        }),
      );
    }
    return reply.code(404).send(body(404, 'Not Found', { message: `No route for ${request.method} ${path}` }));
  });
}

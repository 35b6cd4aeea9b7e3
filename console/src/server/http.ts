import 'server-only';
import { clientAddress, hostAllowed, originAllowed, roleOf, type Role } from './access';
import { getConsole, type ConsoleContext } from './context';
import { BadRequestError, ConsoleError, isConsoleError, isZodError } from './errors';

function problem(status: number, error: string, extra: Record<string, unknown> = {}): Response {
  return Response.json({ error, status_code: status, ...extra }, { status });
}

export interface Handler<P> {
  (input: {
    request: Request;
    params: P;
    app: ConsoleContext;
    /** Who, for the audit log: `operator@local`, `viewer@10.0.0.5` (forwarded only when trusted). */
    actor: string;
    /** Undefined only on public routes, for a caller without token or session. */
    role: Role | undefined;
  }): Promise<Response> | Response;
}

export interface RouteOptions {
  /** Answers without the operator token (the login route, which checks the token itself). */
  public?: boolean;
}

/**
 * Every API route goes through here, in this order: the Host allowlist (DNS rebinding), the Origin
 * check on mutations (CSRF), the caller's role (operator token or session; viewers may only read),
 * the actor's name for the audit log, and one mapping from errors to JSON problems.
 */
export function route<P = Record<string, never>>(handler: Handler<P>, options: RouteOptions = {}) {
  return async (request: Request, context: { params: Promise<P> }): Promise<Response> => {
    try {
      const app = getConsole();
      const { config } = app;
      if (!hostAllowed(request.headers.get('host'), config))
        return problem(421, 'Misdirected request: this console does not answer to that host name');
      const mutating = request.method !== 'GET' && request.method !== 'HEAD';
      if (mutating && !originAllowed(request, config)) return problem(403, 'Cross-site request refused');
      const role = roleOf(request, config);
      if (!options.public) {
        if (!role) return problem(401, 'Operator token required: sign in at /login');
        if (mutating && role !== 'operator')
          return problem(403, 'Read-only viewer: only the operator may change the demo');
      }
      const who = config.operatorToken ? (role ?? 'anonymous') : 'presenter';
      const actor = `${who}@${clientAddress(request, config)}`;
      return await handler({ request, params: await context.params, app, actor, role });
    } catch (error) {
      if (isZodError(error)) {
        return problem(422, 'Validation failed', {
          details: error.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message })),
        });
      }
      if (isConsoleError(error)) return problem(error.status, error.message, error.extra);
      const message = error instanceof Error ? error.message : String(error);
      console.error(`[console] ${request.method} ${new URL(request.url).pathname} failed:`, error);
      return problem(502, `The console could not complete this: ${message}`);
    }
  };
}

/** 413: a body over CONSOLE_MAX_BODY_BYTES. */
class BodyTooLargeError extends ConsoleError {
  constructor(limit: number) {
    super(413, `The request body is over ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/** The body as text, read no further than `limit` bytes (a declared or streamed excess is 413). */
async function readText(request: Request, limit: number): Promise<string> {
  if (Number(request.headers.get('content-length') ?? 0) > limit) throw new BodyTooLargeError(limit);
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new BodyTooLargeError(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads a JSON body, or answers 400 (413 when too large). An empty body reads as `whenEmpty`, when one is given. */
export async function jsonBody(request: Request, whenEmpty?: unknown): Promise<unknown> {
  const text = await readText(request, getConsole().config.maxBodyBytes);
  if (!text && whenEmpty !== undefined) return whenEmpty;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BadRequestError('The request body is not valid JSON');
  }
}

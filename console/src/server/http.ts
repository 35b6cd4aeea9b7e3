import 'server-only';
import { timingSafeEqual } from 'node:crypto';
import { getConsole, type ConsoleContext } from './context';
import { BadRequestError, isConsoleError, isZodError } from './errors';

export const TOKEN_COOKIE = 'console_operator';

function problem(status: number, error: string, extra: Record<string, unknown> = {}): Response {
  return Response.json({ error, status_code: status, ...extra }, { status });
}

function sameToken(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookie(request: Request, name: string): string | undefined {
  const header = request.headers.get('cookie') ?? '';
  for (const part of header.split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

/** True when the request carries the operator token (cookie or bearer), or none is configured. */
export function isOperator(request: Request, token: string | undefined): boolean {
  if (!token) return true;
  const bearer = request.headers.get('authorization')?.replace(/^Bearer\s+/i, '');
  return sameToken(cookie(request, TOKEN_COOKIE) ?? bearer, token);
}

/**
 * Mutations must come from the console's own pages: a browser always sends Origin on a cross-site
 * POST, so a foreign Origin is refused. Tools without Origin (curl, tests) pass.
 */
export function crossSite(request: Request): boolean {
  const origin = request.headers.get('origin');
  if (!origin) return false;
  const host = request.headers.get('x-forwarded-host') ?? request.headers.get('host');
  try {
    return new URL(origin).host !== host;
  } catch {
    return true;
  }
}

export interface Handler<P> {
  (input: { request: Request; params: P; app: ConsoleContext; actor: string }): Promise<Response> | Response;
}

export interface RouteOptions {
  /** Answers without the operator token (the login route, which checks the token itself). */
  public?: boolean;
}

/**
 * Every API route goes through here: operator token (when the console is bound beyond
 * loopback), Origin check on mutations, the actor's name for the audit log, and one mapping from
 * errors to JSON problems.
 */
export function route<P = Record<string, never>>(handler: Handler<P>, options: RouteOptions = {}) {
  return async (request: Request, context: { params: Promise<P> }): Promise<Response> => {
    try {
      const app = getConsole();
      if (!options.public && !isOperator(request, app.config.operatorToken))
        return problem(401, 'Operator token required: sign in at /login');
      if (request.method !== 'GET' && request.method !== 'HEAD' && crossSite(request))
        return problem(403, 'Cross-site request refused');
      const address = request.headers.get('x-forwarded-for')?.split(',')[0]?.trim() ?? 'local';
      const actor = `${app.config.operatorToken ? 'operator' : 'presenter'}@${address}`;
      return await handler({ request, params: await context.params, app, actor });
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

/** Reads a JSON body, or answers 400. An empty body reads as `whenEmpty`, when one is given. */
export async function jsonBody(request: Request, whenEmpty?: unknown): Promise<unknown> {
  const text = await request.text();
  if (!text && whenEmpty !== undefined) return whenEmpty;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BadRequestError('The request body is not valid JSON');
  }
}

// No 'server-only' here: proxy.ts (outside the React server bundle) checks Host names with it.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ConsoleConfig } from './config';

/**
 * Who may do what on the console. The operator drives the demo; a viewer (CONSOLE_VIEWER_TOKEN)
 * watches it live and changes nothing; with no operator token configured the console is bound to
 * loopback and whoever reaches it is the presenter (an operator).
 */
export type Role = 'operator' | 'viewer';

export const SESSION_COOKIE = 'console_session';
const SESSION_MS = 12 * 3600_000;

type AccessConfig = Pick<
  ConsoleConfig,
  'operatorToken' | 'viewerToken' | 'allowedHosts' | 'allowedOrigins' | 'trustProxy'
>;

/** The host name a Host header names, lower case, without the port (`[::1]` keeps its brackets). */
export function hostName(host: string | null | undefined): string {
  if (!host) return '';
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : (host.split(':')[0] ?? '');
  return name.toLowerCase();
}

/**
 * A Host outside the allowlist is a DNS-rebinding page (its Host is the attacker's name) or a
 * request the console was not published under: refused before any route runs.
 */
export function hostAllowed(host: string | null | undefined, access: Pick<AccessConfig, 'allowedHosts'>): boolean {
  return access.allowedHosts.includes(hostName(host));
}

/**
 * CSRF: a browser sends Origin on every cross-origin request and on same-origin POSTs; it must be
 * one the console is served under. Tools without Origin (curl, tests, SDKs) are not browsers and
 * still need the token beyond loopback.
 */
export function originAllowed(request: Request, access: Pick<AccessConfig, 'allowedOrigins'>): boolean {
  const origin = request.headers.get('origin');
  if (origin === null) return true;
  return access.allowedOrigins.includes(origin);
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The key sessions are signed with: derived from the operator token, so changing it ends every session. */
function sessionKey(operatorToken: string): Buffer {
  return createHmac('sha256', operatorToken).update('console-session-v1').digest();
}

function signature(key: Buffer, payload: string): string {
  return createHmac('sha256', key).update(payload).digest('base64url');
}

/** A session cookie's value: role, expiry and a nonce, signed. It is not the token and cannot be turned into it. */
export function signSession(role: Role, operatorToken: string, now = Date.now()): string {
  const payload = `v1.${role}.${now + SESSION_MS}.${randomBytes(12).toString('base64url')}`;
  return `${payload}.${signature(sessionKey(operatorToken), payload)}`;
}

/** The role a session cookie grants, if it is ours, intact and unexpired. */
export function verifySession(value: string, operatorToken: string, now = Date.now()): Role | undefined {
  const parts = value.split('.');
  if (parts.length !== 5 || parts[0] !== 'v1') return undefined;
  const [, role, expires, , mac] = parts;
  const payload = parts.slice(0, 4).join('.');
  if (!mac || !same(mac, signature(sessionKey(operatorToken), payload))) return undefined;
  if (!(Number(expires) > now)) return undefined;
  return role === 'operator' || role === 'viewer' ? role : undefined;
}

export function cookieValue(request: Request, name: string): string | undefined {
  const header = request.headers.get('cookie') ?? '';
  for (const part of header.split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) {
      try {
        return decodeURIComponent(value.join('='));
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** The role a token grants, if it is one of the console's. */
export function roleForToken(
  token: string,
  access: Pick<AccessConfig, 'operatorToken' | 'viewerToken'>,
): Role | undefined {
  if (access.operatorToken && same(token, access.operatorToken)) return 'operator';
  if (access.viewerToken && same(token, access.viewerToken)) return 'viewer';
  return undefined;
}

/** Who sent this request: a bearer token, or a session cookie; everyone is the presenter on a token-less (loopback) console. */
export function roleOf(
  request: Request,
  access: Pick<AccessConfig, 'operatorToken' | 'viewerToken'>,
  now = Date.now(),
): Role | undefined {
  if (!access.operatorToken) return 'operator';
  const bearer = /^Bearer\s+(.+)$/i.exec(request.headers.get('authorization') ?? '')?.[1];
  if (bearer) return roleForToken(bearer, access);
  const session = cookieValue(request, SESSION_COOKIE);
  return session ? verifySession(session, access.operatorToken, now) : undefined;
}

/** The Set-Cookie header of a new session: httpOnly, SameSite=Strict, Secure when served over TLS. */
export function sessionCookie(role: Role, operatorToken: string, secure: boolean, now = Date.now()): string {
  const attributes = [
    'HttpOnly',
    'SameSite=Strict',
    'Path=/',
    `Max-Age=${SESSION_MS / 1000}`,
    ...(secure ? ['Secure'] : []),
  ];
  return `${SESSION_COOKIE}=${signSession(role, operatorToken, now)}; ${attributes.join('; ')}`;
}

/** Whether the browser reached the console over TLS (a forwarded proto only when the proxy is trusted). */
export function servedOverTls(request: Request, access: Pick<AccessConfig, 'trustProxy'>): boolean {
  if (new URL(request.url).protocol === 'https:') return true;
  return access.trustProxy && request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim() === 'https';
}

/** The client's address for the audit log: forwarded headers only when the proxy is trusted. */
export function clientAddress(request: Request, access: Pick<AccessConfig, 'trustProxy'>): string {
  if (!access.trustProxy) return 'local';
  return request.headers.get('x-forwarded-for')?.split(',')[0]?.trim() || 'local';
}

/**
 * The address `next start` really binds: its -H/--hostname argument, or every interface when
 * there is none (Next's default). The console refuses to run when that is not CONSOLE_HOST, the
 * address the token requirement was checked against.
 */
export function boundHost(argv: readonly string[]): string {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '-H' || arg === '--hostname') return argv[i + 1] ?? '0.0.0.0';
    if (arg.startsWith('--hostname=')) return arg.slice('--hostname='.length);
  }
  return '0.0.0.0';
}

/** Fails login attempts fast after too many: 5 wrong tokens a minute, then 429 until the minute has passed. */
export class LoginThrottle {
  private failures: number[] = [];

  constructor(
    private readonly limit = 5,
    private readonly windowMs = 60_000,
  ) {}

  /** Seconds to wait before the next attempt, or 0 when one may be made now. */
  retryAfterSeconds(now = Date.now()): number {
    this.failures = this.failures.filter((at) => now - at < this.windowMs);
    if (this.failures.length < this.limit) return 0;
    return Math.ceil((this.failures[0]! + this.windowMs - now) / 1000);
  }

  failed(now = Date.now()): void {
    this.failures.push(now);
  }
}

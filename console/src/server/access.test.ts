import { describe, expect, it } from 'vitest';
import {
  boundHost,
  hostAllowed,
  LoginThrottle,
  originAllowed,
  roleOf,
  SESSION_COOKIE,
  sessionCookie,
  signSession,
  verifySession,
} from './access';
import { loadConsoleConfig } from './config';

const TOKEN = 'a-long-operator-token';
const access = loadConsoleConfig(
  { CONSOLE_OPERATOR_TOKEN: TOKEN, CONSOLE_VIEWER_TOKEN: 'a-long-viewer-token!' },
  '/tmp',
);

describe('sessions', () => {
  it('a session cookie grants its role, and is not the token', () => {
    const value = signSession('viewer', TOKEN, 1000);
    expect(value).not.toContain(TOKEN);
    expect(verifySession(value, TOKEN, 2000)).toBe('viewer');
  });

  it.each([
    ['expired', (v: string) => v, 13 * 3600_000],
    ['tampered (viewer made operator)', (v: string) => v.replace('.viewer.', '.operator.'), 2000],
    ['signed under another operator token', () => signSession('viewer', 'another-long-token!!', 1000), 2000],
    ['garbage', () => 'v1.operator.99999999999999.x.y', 2000],
  ])('refuses a session that is %s', (_name, change, now) => {
    expect(verifySession(change(signSession('viewer', TOKEN, 1000)), TOKEN, now)).toBeUndefined();
  });

  it('sets an httpOnly, SameSite=Strict cookie, Secure only over TLS', () => {
    expect(sessionCookie('operator', TOKEN, false)).toMatch(
      new RegExp(`^${SESSION_COOKIE}=v1\\.operator\\..*; HttpOnly; SameSite=Strict; Path=/; Max-Age=43200$`),
    );
    expect(sessionCookie('operator', TOKEN, true)).toMatch(/; Secure$/);
  });

  it('reads the role from the session cookie or a bearer token', () => {
    const cookie = sessionCookie('operator', TOKEN, false).split(';')[0]!;
    expect(roleOf(new Request('http://c/', { headers: { cookie: `other=1; ${cookie}` } }), access)).toBe('operator');
    expect(
      roleOf(new Request('http://c/', { headers: { authorization: 'Bearer a-long-viewer-token!' } }), access),
    ).toBe('viewer');
    expect(roleOf(new Request('http://c/'), access)).toBeUndefined();
    expect(roleOf(new Request('http://c/'), loadConsoleConfig({}, '/tmp'))).toBe('operator');
  });
});

describe('Host and Origin', () => {
  const published = loadConsoleConfig(
    { CONSOLE_OPERATOR_TOKEN: TOKEN, CONSOLE_HOST: '0.0.0.0', CONSOLE_PUBLIC_ORIGIN: 'https://demo.example.com' },
    '/tmp',
  );
  it.each([
    ['127.0.0.1:3000', true],
    ['localhost:3000', true],
    ['[::1]:3000', true],
    ['demo.example.com', true],
    ['DEMO.example.com:443', true],
    ['evil.example:3000', false],
    ['127.0.0.1.evil.example', false],
    ['', false],
  ])('Host %j allowed: %s', (host, allowed) => expect(hostAllowed(host, published)).toBe(allowed));

  it.each([
    [undefined, true],
    ['https://demo.example.com', true],
    ['http://127.0.0.1:3000', true],
    ['http://127.0.0.1:4000', false],
    ['https://evil.example', false],
    ['null', false],
  ])('Origin %j allowed: %s', (origin, allowed) => {
    const request = new Request('http://c/', { method: 'POST', headers: origin ? { origin } : {} });
    expect(originAllowed(request, published)).toBe(allowed);
  });
});

describe('the address next start binds', () => {
  it.each([
    [['node', 'next', 'start', '-H', '127.0.0.1', '-p', '3000'], '127.0.0.1'],
    [['node', 'next', 'start', '--hostname', '0.0.0.0'], '0.0.0.0'],
    [['node', 'next', 'start', '--hostname=::'], '::'],
    [['node', 'next', 'start', '-p', '3000'], '0.0.0.0'],
  ])('%j binds %s', (argv, host) => expect(boundHost(argv)).toBe(host));
});

describe('login throttle', () => {
  it('lets 5 wrong tokens a minute through, then makes the caller wait', () => {
    const throttle = new LoginThrottle();
    for (let i = 0; i < 5; i++) {
      expect(throttle.retryAfterSeconds(1000 + i)).toBe(0);
      throttle.failed(1000 + i);
    }
    expect(throttle.retryAfterSeconds(2000)).toBe(59);
    expect(throttle.retryAfterSeconds(61_001)).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { crossSite, isOperator, TOKEN_COOKIE } from './http';

const TOKEN = 'a-long-operator-token';

describe('operator token', () => {
  it('lets everyone through when no token is configured (loopback only)', () => {
    expect(isOperator(new Request('http://console/api/x'), undefined)).toBe(true);
  });

  it.each([
    ['the cookie', { cookie: `other=1; ${TOKEN_COOKIE}=${TOKEN}` }, true],
    ['a bearer header', { authorization: `Bearer ${TOKEN}` }, true],
    ['a wrong token', { authorization: 'Bearer a-long-operator-tokeX' }, false],
    ['a shorter token', { cookie: `${TOKEN_COOKIE}=a-long` }, false],
    ['nothing', {}, false],
  ])('with %s: %s', (_name, headers, expected) => {
    expect(isOperator(new Request('http://console/api/x', { headers }), TOKEN)).toBe(expected);
  });
});

describe('Origin check on mutations', () => {
  it.each([
    ['no Origin (curl, tests)', {}, false],
    ['the same host', { origin: 'http://127.0.0.1:3000', host: '127.0.0.1:3000' }, false],
    ['another site', { origin: 'https://evil.example', host: '127.0.0.1:3000' }, true],
    ['another port', { origin: 'http://127.0.0.1:4000', host: '127.0.0.1:3000' }, true],
    ['a garbled Origin', { origin: 'not a url', host: '127.0.0.1:3000' }, true],
  ])('%s: cross-site=%s', (_name, headers, expected) => {
    expect(crossSite(new Request('http://127.0.0.1:3000/api/fault/inject', { method: 'POST', headers }))).toBe(
      expected,
    );
  });
});

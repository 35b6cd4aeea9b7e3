import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConflictError, NotFoundError, TargetError } from './errors';
import { crossSite, isOperator, jsonBody, route, TOKEN_COOKIE } from './http';

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

describe('one error model: every route answers with the status its error carries', () => {
  // route() reads the console's context first; these cases need none of its clients.
  const holder = globalThis as { __demoConsole?: unknown };
  const call = (handler: Parameters<typeof route>[0], init: RequestInit = {}) =>
    route(handler)(new Request('http://127.0.0.1:3000/api/x', init), { params: Promise.resolve({}) });

  beforeAll(() => {
    holder.__demoConsole = { config: {} };
  });
  afterAll(() => {
    delete holder.__demoConsole;
  });

  it.each([
    ['a conflict', () => new ConflictError('busy', { running: 'r1' }), 409, { running: 'r1' }],
    ['not found', () => new NotFoundError('No burst b1'), 404, {}],
    ['a target that is not there', () => new TargetError('no endpoints'), 503, {}],
    [
      "a conflict thrown by another bundle's copy of the class",
      () =>
        Object.assign(new Error('busy elsewhere'), {
          [Symbol.for('appsignals-demo.console-error')]: true,
          status: 409,
          extra: {},
        }),
      409,
      {},
    ],
  ])('%s', async (_name, error, status, extra) => {
    const response = await call(() => {
      throw error();
    });
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ status_code: status, ...extra });
  });

  it('malformed JSON is 400, not 502', async () => {
    const response = await call(async ({ request }) => Response.json(await jsonBody(request)), {
      method: 'POST',
      body: '{"rate": 1',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'The request body is not valid JSON' });
  });

  it('an empty body reads as the default where a route allows one', async () => {
    const response = await call(async ({ request }) => Response.json(await jsonBody(request, {})), { method: 'POST' });
    expect(await response.json()).toEqual({});
  });

  it('a zod failure is 422 with the fields at fault', async () => {
    const response = await call(() => Response.json(z.object({ enabled: z.boolean() }).parse({ enabled: 'yes' })));
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ details: [{ field: 'enabled' }] });
  });

  it('anything else is 502 with what failed', async () => {
    const response = await call(() => {
      throw new Error('socket hang up');
    });
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({ error: 'The console could not complete this: socket hang up' });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConsoleConfig } from './config';
import { ConflictError, NotFoundError, TargetError } from './errors';
import { jsonBody, route } from './http';

const TOKEN = 'a-long-operator-token';
const VIEWER = 'a-long-viewer-token!';
const holder = globalThis as { __demoConsole?: unknown };

/** route() reads the console's context first; these cases need only its config (and an audit stub). */
function withConfig(env: Record<string, string>) {
  beforeAll(() => {
    holder.__demoConsole = { config: loadConsoleConfig(env, '/tmp'), audit: { append: () => undefined } };
  });
  afterAll(() => {
    delete holder.__demoConsole;
  });
}

const call = (
  handler: Parameters<typeof route>[0],
  init: RequestInit & { headers?: Record<string, string> } = {},
  options?: Parameters<typeof route>[1],
) =>
  route(handler, options)(
    new Request('http://127.0.0.1:3000/api/x', { ...init, headers: { host: '127.0.0.1:3000', ...init.headers } }),
    { params: Promise.resolve({}) },
  );

describe('route(): who may do what, on a console with operator and viewer tokens', () => {
  withConfig({
    CONSOLE_OPERATOR_TOKEN: TOKEN,
    CONSOLE_VIEWER_TOKEN: VIEWER,
    CONSOLE_HOST: '0.0.0.0',
    CONSOLE_ALLOWED_HOSTS: 'demo.example.com',
  });
  const ok = () => Response.json({ ok: true });

  it.each([
    ['no token', {}, 'GET', 401],
    ['the operator token', { authorization: `Bearer ${TOKEN}` }, 'POST', 200],
    ['the viewer token, reading', { authorization: `Bearer ${VIEWER}` }, 'GET', 200],
    ['the viewer token, changing something', { authorization: `Bearer ${VIEWER}` }, 'POST', 403],
    ['a wrong token', { authorization: 'Bearer a-long-operator-tokeX' }, 'GET', 401],
    ['the raw token as a cookie (the old cookie)', { cookie: `console_operator=${TOKEN}` }, 'GET', 401],
    [
      'a forged Host (DNS rebinding), with the token',
      { host: 'evil.example:3000', authorization: `Bearer ${TOKEN}` },
      'GET',
      421,
    ],
    ['the public name, with the token', { host: 'demo.example.com', authorization: `Bearer ${TOKEN}` }, 'GET', 200],
    [
      'a rebinding page whose Origin and Host agree',
      { host: 'evil.example:3000', origin: 'http://evil.example:3000', authorization: `Bearer ${TOKEN}` },
      'POST',
      421,
    ],
    [
      'a foreign Origin on a mutation',
      { origin: 'https://evil.example', authorization: `Bearer ${TOKEN}` },
      'POST',
      403,
    ],
  ])('%s: %s %s', async (_name, headers, method, status) => {
    expect((await call(ok, { method, headers })).status).toBe(status);
  });

  it('trusts no X-Forwarded-For for the audit actor unless told to', async () => {
    const response = await call(({ actor }) => Response.json({ actor }), {
      headers: { authorization: `Bearer ${TOKEN}`, 'x-forwarded-for': '6.6.6.6' },
    });
    expect(await response.json()).toEqual({ actor: 'operator@local' });
  });
});

describe('route(): body limits', () => {
  withConfig({ CONSOLE_MAX_BODY_BYTES: '1024' });
  const echo: Parameters<typeof route>[0] = async ({ request }) => Response.json(await jsonBody(request));

  it('answers 413 for a declared or a streamed body over the limit, and reads one under it', async () => {
    const big = JSON.stringify({ pad: 'x'.repeat(2000) });
    expect((await call(echo, { method: 'POST', body: big })).status).toBe(413);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(200)));
        controller.close();
      },
    });
    // A stream has no Content-Length: only reading it shows the size.
    const streamed = await call(echo, { method: 'POST', body: stream, duplex: 'half' } as RequestInit & {
      headers?: Record<string, string>;
    });
    expect(streamed.status).toBe(413);
    expect(await (await call(echo, { method: 'POST', body: '{"a":1}' })).json()).toEqual({ a: 1 });
  });
});

describe('one error model: every route answers with the status its error carries', () => {
  withConfig({});

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

import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@demo/local-cloud';
import { consoleBuilt as built, request, spawnConsole, waitForAnswer, type Answer } from './console-process';

/**
 * The built console as `next start` runs it, asked what an attacker would ask: a console bound
 * beyond loopback without a token, or bound to another address than the one checked, never
 * serves; on a console with tokens, a viewer reads and cannot change, the session cookie is not
 * the token, forged Host names and foreign Origins are refused, bodies are capped, login is
 * throttled, and no page can be framed. Only loopback is ever contacted.
 */
const OPERATOR = 'operator-token-for-tests';
const VIEWER = 'viewer-token-for-tests!';

let dir: string;
const children: ChildProcess[] = [];

function startConsole(argv: string[], env: Record<string, string>) {
  const started = spawnConsole(argv, {
    CONSOLE_DATA_DIR: path.join(dir, `data-${children.length}`),
    CONSOLE_TARGET: 'local',
    // A target that resolves (nothing listens there): enough for the routes under test.
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    AWS_ACCESS_KEY_ID: 'local-cloud',
    AWS_SECRET_ACCESS_KEY: 'local-cloud',
    KUBECONFIG: path.join(dir, 'kubeconfig'),
    ...env,
  });
  children.push(started.child);
  return started;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'console-security-'));
  const kubeconfig = [
    'apiVersion: v1',
    'kind: Config',
    'clusters: [{name: none, cluster: {server: "https://127.0.0.1:9"}}]',
    'users: [{name: none, user: {token: none}}]',
    'contexts: [{name: none, context: {cluster: none, user: none}}]',
    'current-context: none',
    '',
  ].join('\n');
  await writeFile(path.join(dir, 'kubeconfig'), kubeconfig, { mode: 0o600 });
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!built)('starting the console (skipped: console not built; npm test builds it)', () => {
  it('refuses to start bound to every interface without an operator token', async () => {
    const port = await freePort();
    const started = startConsole(['-H', '0.0.0.0', '-p', String(port)], { CONSOLE_HOST: '0.0.0.0' });
    expect(await started.exited).toBe(1);
    expect(started.output()).toContain('refusing to start');
    expect(started.output()).toContain('CONSOLE_OPERATOR_TOKEN');
  }, 60_000);

  it('refuses to start when next start binds another address than CONSOLE_HOST', async () => {
    const port = await freePort();
    // The README's old command: `next start` without -H binds every interface, whatever CONSOLE_HOST says.
    const started = startConsole(['-p', String(port)], {});
    expect(await started.exited).toBe(1);
    expect(started.output()).toMatch(/binds 0\.0\.0\.0 but CONSOLE_HOST is 127\.0\.0\.1/);
  }, 60_000);
});

describe.skipIf(!built)('a console with operator and viewer tokens (skipped: console not built)', () => {
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    startConsole(['-H', '127.0.0.1', '-p', String(port)], {
      CONSOLE_OPERATOR_TOKEN: OPERATOR,
      CONSOLE_VIEWER_TOKEN: VIEWER,
      CONSOLE_PORT: String(port),
    });
    await waitForAnswer(port);
  }, 60_000);

  const login = (token: string) =>
    request(port, '/api/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    });
  const sessionOf = (answer: Answer) => String(answer.headers['set-cookie']?.[0] ?? '').split(';')[0] ?? '';

  it('gives a viewer a session that reads but cannot change anything; the cookie is not the token', async () => {
    const answer = await login(VIEWER);
    expect(answer.status).toBe(200);
    const cookieHeader = String(answer.headers['set-cookie']?.[0]);
    expect(cookieHeader).toMatch(/HttpOnly/);
    expect(cookieHeader).toMatch(/SameSite=Strict/);
    expect(cookieHeader).not.toContain(VIEWER);
    const cookie = sessionOf(answer);
    const target = await request(port, '/api/target', { headers: { cookie } });
    expect(target.status).toBe(200);
    expect(JSON.parse(target.text)).toMatchObject({ role: 'viewer' });
    for (const pathname of [
      '/api/traffic',
      '/api/fault/restore',
      '/api/fault/inject',
      '/api/bursts',
      '/api/kill-switch',
    ]) {
      const refused = await request(port, pathname, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json' },
        body: '{"enabled":true}',
      });
      expect(refused.status, pathname).toBe(403);
    }
    // A viewer reads a fault run's report but cannot write its note.
    const note = await request(port, '/api/experiments/some-run', {
      method: 'PUT',
      headers: { cookie, 'content-type': 'application/json' },
      body: '{"note":"rewritten"}',
    });
    expect(note.status).toBe(403);
  });

  it('needs a token or session for every API route', async () => {
    expect((await request(port, '/api/target')).status).toBe(401);
    expect((await request(port, '/api/traffic', { method: 'POST', body: '{"enabled":true}' })).status).toBe(401);
    // The live stream too: an unauthenticated local process gets nothing of what the cockpit shows.
    expect((await request(port, '/api/live?topics=status,slos')).status).toBe(401);
    // And a fault run's report, its evidence pack and the steady-state check.
    for (const pathname of [
      '/api/experiments/some-run',
      '/api/experiments/some-run/pack',
      '/api/experiments/steady-state',
    ])
      expect((await request(port, pathname)).status, pathname).toBe(401);
  });

  it('refuses a live stream of topics that name nothing, or too many, with 422 naming the field', async () => {
    const cookie = sessionOf(await login(VIEWER));
    const tooMany = Array.from({ length: 33 }, (_, i) => `chart/15m/s${i}/`).join(',');
    for (const topics of ['secrets', 'chart/15m', 'chart/9y/ts-order-api/', '', tooMany]) {
      const answer = await request(port, `/api/live?topics=${encodeURIComponent(topics)}`, { headers: { cookie } });
      expect(answer.status, topics.slice(0, 40)).toBe(422);
      expect(JSON.parse(answer.text)).toMatchObject({ details: [{ field: 'topics' }] });
    }
  });

  it('lets the operator act (the request reaches the route, whose target is down here)', async () => {
    const cookie = sessionOf(await login(OPERATOR));
    const answer = await request(port, '/api/traffic', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json', origin: `http://127.0.0.1:${port}` },
      body: '{"enabled":true}',
    });
    expect([401, 403, 421]).not.toContain(answer.status);
  });

  it('refuses a forged Host (DNS rebinding) on pages and routes, and a foreign Origin on mutations', async () => {
    const auth = { authorization: `Bearer ${OPERATOR}` };
    for (const pathname of ['/', '/api/target', '/login', '/api/live?topics=status']) {
      const forged = await request(port, pathname, { headers: { ...auth, host: `evil.example:${port}` } });
      expect(forged.status, pathname).toBe(421);
    }
    const rebinding = await request(port, '/api/traffic', {
      method: 'POST',
      headers: {
        ...auth,
        host: `evil.example:${port}`,
        origin: `http://evil.example:${port}`,
        'content-type': 'text/plain',
      },
      body: '{"enabled":true}',
    });
    expect(rebinding.status).toBe(421);
    const crossSite = await request(port, '/api/traffic', {
      method: 'POST',
      headers: { ...auth, origin: 'https://evil.example', 'content-type': 'text/plain' },
      body: '{"enabled":true}',
    });
    expect(crossSite.status).toBe(403);
    const loginCrossSite = await request(port, '/api/login', {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'text/plain' },
      body: JSON.stringify({ token: OPERATOR }),
    });
    expect(loginCrossSite.status).toBe(403);
  });

  it('refuses bodies over the limit (413) and forbids framing of every page', async () => {
    const huge = await request(port, '/api/traffic', {
      method: 'POST',
      headers: { authorization: `Bearer ${OPERATOR}`, 'content-type': 'application/json' },
      body: Buffer.alloc(1024 * 1024, 0x20),
    });
    expect(huge.status).toBe(413);
    const page = await request(port, '/login');
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  it('throttles wrong tokens: 429 with Retry-After after five a minute', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await login(`wrong-token-number-${i}`)).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    const throttled = await login(OPERATOR);
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
  });
});

import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { OrderRequestSchema } from '@demo/contracts';
import { startLoad, type Snapshot } from './engine';

/** A local server scripted per test; records what it saw. */
async function server(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void) {
  let concurrent = 0;
  let maxConcurrent = 0;
  const bodies: string[] = [];
  const srv = http.createServer((req, res) => {
    concurrent++;
    maxConcurrent = Math.max(maxConcurrent, concurrent);
    res.once('close', () => concurrent--);
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      bodies.push(body);
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as { port: number };
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        srv.close(() => resolve());
        srv.closeAllConnections();
      }),
  );
  return { url: `http://127.0.0.1:${port}`, bodies, maxConcurrent: () => maxConcurrent };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

const ok = (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end('{"status":"processed"}');
};

describe('load engine', () => {
  it('sends at the target rate (within 2 %) for the duration, with per-second snapshots', async () => {
    const target = await server(ok);
    const snapshots: Snapshot[] = [];
    const summary = await startLoad({
      url: target.url,
      rate: 200,
      durationSeconds: 3,
      maxInFlight: 50,
      onSnapshot: (s) => snapshots.push(s),
    }).done;
    expect(summary.reason).toBe('completed');
    expect(summary.sent).toBeGreaterThanOrEqual(588);
    expect(summary.sent).toBeLessThanOrEqual(612);
    expect(summary.ok).toBe(summary.sent);
    expect(summary.dropped).toBe(0);
    expect(snapshots.reduce((sum, s) => sum + s.sent, 0)).toBe(summary.sent);
    expect(snapshots[0]?.achievedRate).toBeGreaterThan(180);
    expect(summary.latency.count).toBe(summary.sent);
    expect(summary.sendingSeconds).toBeGreaterThan(2.9);
    expect(summary.achievedRate).toBeGreaterThan(196);
    expect(summary.achievedRate).toBeLessThan(204);
  });

  it('sends valid seed-mix orders with unique ids, and the asked share of invalid ones', async () => {
    const target = await server(ok);
    await startLoad({ url: target.url, rate: 400, durationSeconds: 1, maxInFlight: 50, invalidShare: 0.25 }).done;
    const parsed = target.bodies.map((body) => OrderRequestSchema.safeParse(JSON.parse(body)));
    const invalid = parsed.filter((result) => !result.success).length / parsed.length;
    expect(invalid).toBeGreaterThan(0.15);
    expect(invalid).toBeLessThan(0.35);
    const ids = parsed.flatMap((result) => (result.success && result.data.order_id ? [result.data.order_id] : []));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('never exceeds maxInFlight: due requests past the cap are dropped and counted, not queued', async () => {
    const target = await server((req, res) => setTimeout(() => ok(req, res), 400));
    const summary = await startLoad({ url: target.url, rate: 50, durationSeconds: 1, maxInFlight: 5 }).done;
    expect(target.maxConcurrent()).toBeLessThanOrEqual(5);
    expect(summary.sent + summary.dropped).toBe(50);
    expect(summary.dropped).toBeGreaterThan(30);
  });

  it('reads a stall as a stall: the cap reached, sends skipped, the oldest open request aging, recent percentiles climbing', async () => {
    const held: ServerResponse[] = [];
    let stalled = true;
    const target = await server((req, res) => (stalled ? held.push(res) : ok(req, res)));
    const snapshots: Snapshot[] = [];
    const run = startLoad({
      url: target.url,
      rate: 20,
      durationSeconds: 4,
      maxInFlight: 10,
      onSnapshot: (snapshot) => snapshots.push(snapshot),
    });
    while (snapshots.length < 3) await new Promise((resolve) => setTimeout(resolve, 20));
    const during = snapshots[2]!;
    // 10 in flight since ~0.5 s: every send of the third second was skipped, none answered.
    expect(during.second).toBe(3);
    expect(during).toMatchObject({ inFlight: 10, maxInFlight: 10, capReached: true, achievedRate: 0 });
    expect(during.dropped).toBeGreaterThanOrEqual(19);
    expect(during.latency.count).toBe(0); // nothing answered this second: per-second figures say 0...
    // ...while the open requests, counted at their age, say how long the stall has lasted.
    expect(during.oldestOpenMs).toBeGreaterThanOrEqual(2900);
    expect(during.recent).toMatchObject({ seconds: 10, count: 10 });
    expect(during.recent.p50).toBeGreaterThanOrEqual(2500);
    expect(during.recent.p99).toBeGreaterThanOrEqual(2900);
    stalled = false;
    for (const res of held.splice(0)) ok(undefined as never, res);
    const summary = await run.done;
    const last = snapshots.at(-1)!;
    expect(last).toMatchObject({ inFlight: 0, oldestOpenMs: 0 });
    // The ten held requests ended in the window, at the ~3 s they took.
    expect(last.recent.p99).toBeGreaterThanOrEqual(2900);
    expect(summary.sent + summary.dropped).toBe(80);
  });

  it('measures latency from when a request was due, so a stalled generator cannot hide delay (no coordinated omission)', async () => {
    const target = await server(ok); // answers at once
    const run = startLoad({ url: target.url, rate: 100, durationSeconds: 1, maxInFlight: 100 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const blockedUntil = Date.now() + 300;
    while (Date.now() < blockedUntil) {
      // Busy: nothing can be sent for 300 ms, though requests keep coming due.
    }
    const summary = await run.done;
    expect(summary.sent + summary.dropped).toBe(100);
    // Requests due at the start of the stall waited ~300 ms before they could even be sent.
    expect(summary.latency.max).toBeGreaterThanOrEqual(280);
    expect(summary.latency.p50).toBeLessThan(50);
  });

  it('classifies 2xx, 4xx, 5xx, timeouts and transport failures', async () => {
    let n = 0;
    const target = await server((req, res) => {
      n++;
      if (n % 4 === 1) return ok(req, res);
      if (n % 4 === 2) return res.writeHead(422).end();
      if (n % 4 === 3) return res.writeHead(503).end();
      // the 4th never answers: a timeout
    });
    const summary = await startLoad({
      url: target.url,
      rate: 40,
      durationSeconds: 1,
      maxInFlight: 100,
      requestTimeoutMs: 300,
    }).done;
    expect(summary.ok).toBe(10);
    expect(summary.clientErrors).toBe(10);
    expect(summary.serverErrors).toBe(10);
    expect(summary.timeouts).toBe(10);
    expect(summary.statusCounts).toEqual({ 200: 10, 422: 10, 503: 10 });

    const closed = await startLoad({ url: 'http://127.0.0.1:9', rate: 20, durationSeconds: 0.5, maxInFlight: 5 }).done;
    expect(closed.failures).toBe(closed.sent);
  });

  it('stops on request, finishing what is in flight', async () => {
    const target = await server((req, res) => setTimeout(() => ok(req, res), 200));
    const run = startLoad({ url: target.url, rate: 100, maxInFlight: 100 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const summary = await run.stop();
    expect(summary.reason).toBe('stopped');
    expect(summary.sent).toBeGreaterThanOrEqual(45);
    expect(summary.sent).toBeLessThanOrEqual(56);
    expect(summary.ok).toBe(summary.sent);
  });

  it('refuses a rate or a cap that cannot run', () => {
    expect(() => startLoad({ url: 'http://127.0.0.1:9', rate: 0, maxInFlight: 1 })).toThrow(/rate/);
    expect(() => startLoad({ url: 'http://127.0.0.1:9', rate: 1, maxInFlight: 0 })).toThrow(/maxInFlight/);
  });
});

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestCloud, type TestCloud } from '@demo/testkit';
import type { LocalCloud } from '@demo/local-cloud';
import type { ConsoleContext } from '../console/src/server/context';
import { localConsole } from './local-console';
import { liveStream, readTopic } from '../console/src/server/live/stream';
import { chartTopic, FIXED_TOPICS, type LiveMessage } from '../console/src/shared/live';

/**
 * The console server as the single reader: its live streams and GET routes against a running
 * local-cloud, counting the requests local-cloud's AWS endpoint and Kubernetes API answer.
 */
const repoRoot = path.resolve(__dirname, '..');
let testCloud: TestCloud;
let cloud: LocalCloud;
let app: ConsoleContext;

beforeAll(async () => {
  testCloud = await startTestCloud({ mysqlUrl: inject('mysqlUrl'), repoRoot });
  ({ cloud } = testCloud);
  app = localConsole(testCloud, repoRoot);
}, 90_000);

afterAll(async () => {
  app?.dispose();
  await testCloud?.stop();
}, 60_000);

const TOPICS = [
  ...FIXED_TOPICS,
  chartTopic({ service: 'ts-order-api', operation: 'POST /api/orders', range: '15m' }),
  chartTopic({ service: 'ts-delivery-api', operation: '', range: '15m' }),
];

/** A tab's stream of every topic: what it received, until `close()`. */
function viewer() {
  const controller = new AbortController();
  const received: LiveMessage[] = [];
  const reader = liveStream(app.live, TOPICS, controller.signal).getReader();
  const reading = (async () => {
    const decoder = new TextDecoder();
    let text = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      text += decoder.decode(value);
      const events = text.split('\n\n');
      text = events.pop() ?? '';
      for (const event of events)
        if (event.startsWith('data: ')) received.push(JSON.parse(event.slice(6)) as LiveMessage);
    }
  })();
  return {
    received,
    close: async () => {
      controller.abort();
      await reading;
    },
  };
}

/** Requests local-cloud answered during `ms`. */
async function callsDuring(ms: number) {
  const before = cloud.requestsServed();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = cloud.requestsServed();
  return { aws: after.aws - before.aws, kube: after.kube - before.kube };
}

/** How often each collector read during `ms`, and the requests local-cloud answered meanwhile. */
async function measure(ms: number) {
  const readsBefore = new Map(app.live.collectors().map((c) => [c.name, c.reads]));
  const calls = await callsDuring(ms);
  const reads = Object.fromEntries(
    app.live.collectors().map((c) => [c.name, c.reads - (readsBefore.get(c.name) ?? 0)]),
  );
  return { ...calls, reads };
}

const WINDOW_MS = 15_000;

describe('the console server as the single reader', () => {
  it('answers 50 viewers with the AWS and Kubernetes calls of one', async () => {
    // The first viewer stays throughout, so the collectors' timers run on unchanged. One viewer
    // before and after fifty: the stack's own series grow as it runs (health checks make spans),
    // and with them what a discovery read costs.
    const first = viewer();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const before = await measure(WINDOW_MS);
    const others = Array.from({ length: 49 }, () => viewer());
    const fifty = await measure(WINDOW_MS);
    await Promise.all(others.map((v) => v.close()));
    const after = await measure(WINDOW_MS);
    await first.close();
    const perMinute = (n: number) => Math.round((n * 60_000) / WINDOW_MS);
    console.log(
      `[measured] calls per minute with every topic followed (local cadences): 1 viewer aws ${perMinute(before.aws)}/${perMinute(after.aws)} kube ${perMinute(before.kube)}/${perMinute(after.kube)}; 50 viewers aws ${perMinute(fifty.aws)} kube ${perMinute(fifty.kube)}`,
    );
    // Each source was read as often for fifty as for one (a read more or less where a window
    // cuts a 10 or 30 s cadence)...
    // (the ones that call AWS or Kubernetes; fault, bursts and audit read the console's memory)...
    for (const [name, reads] of Object.entries(fifty.reads))
      if (!['fault', 'bursts', 'audit'].includes(name))
        expect(reads - (before.reads[name] ?? 0), name).toBeLessThanOrEqual(1);
    // ...so local-cloud answered about as many calls, not fifty times as many. (What one read
    // costs varies by a few calls: the discovery and change-event caches expire on their own
    // clocks, and the stack runs in this busy process; measured 76-120 a minute for one viewer.)
    expect(before.aws).toBeGreaterThan(0);
    expect(before.kube).toBeGreaterThan(0);
    expect(fifty.aws).toBeLessThanOrEqual(1.5 * Math.max(before.aws, after.aws));
    expect(fifty.kube).toBeLessThanOrEqual(1.5 * Math.max(before.kube, after.kube));
    // Every viewer, the late ones too, was told every topic at once (its value, or why not).
    for (const { received } of others) {
      const told = new Set(received.filter((m) => m.value !== undefined || m.error).map((m) => m.topic));
      expect([...told].sort()).toEqual([...TOPICS].sort());
      const status = received.find((m) => m.topic === 'status')?.value as { chips?: unknown[] } | undefined;
      expect(status?.chips?.length).toBeGreaterThan(0);
    }
  }, 90_000);

  it('50 polls at the same moment make one read of the source', async () => {
    const collector = app.live.collector('status');
    await new Promise((resolve) => setTimeout(resolve, 5100)); // past the cadence: the next ask reads
    const reads = collector.reads;
    const answers = await Promise.all(Array.from({ length: 50 }, () => readTopic(app.live, 'status')));
    expect(collector.reads - reads).toBe(1);
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
  }, 20_000);

  it('forgets a viewer that goes mid-stream, by its reader cancelling or its request aborting', async () => {
    const subscribers = () => TOPICS.map((topic) => app.live.collector(topic).subscribers);
    const nobody = TOPICS.map(() => 0);
    expect(subscribers()).toEqual(nobody);
    const open = async () => {
      const controller = new AbortController();
      const reader = liveStream(app.live, TOPICS, controller.signal).getReader();
      expect((await reader.read()).done).toBe(false);
      expect(subscribers()).toEqual(TOPICS.map(() => 1));
      return { controller, reader };
    };
    const cancelled = await open();
    await cancelled.reader.cancel(); // the client went away: the stream's body was cancelled
    expect(subscribers()).toEqual(nobody);
    const aborted = await open();
    aborted.controller.abort(); // the request was aborted
    expect(subscribers()).toEqual(nobody);
    for (;;) if ((await aborted.reader.read()).done) break; // what was queued, then the end
    // Nobody subscribed: no timer reads any source any more.
    const reads = app.live.collectors().map((c) => c.reads);
    await new Promise((resolve) => setTimeout(resolve, 5500));
    expect(app.live.collectors().map((c) => c.reads)).toEqual(reads);
  }, 20_000);

  it('refuses a topic that names nothing, naming the field', () => {
    expect(() => app.live.collector('chart/15m')).toThrow(/Unknown topic/);
    expect(() => app.live.collector('secrets')).toThrow(expect.objectContaining({ status: 422 }));
  });
});

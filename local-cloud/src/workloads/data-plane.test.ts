import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import type { Worker } from 'node:worker_threads';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { listen } from '../http/listen';
import { DataPlane } from './data-plane';

const logger = pino({ level: 'silent' });
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A replica: answers its own name. */
async function replica(name: string): Promise<number> {
  const server = http.createServer((_req, res) => res.end(name));
  const port = await listen(server, 0, '127.0.0.1');
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return port;
}

async function plane(): Promise<{ plane: DataPlane; port: number }> {
  const dataPlane = new DataPlane(logger);
  cleanups.push(() => dataPlane.close());
  const port = await dataPlane.listen('ts-order-api', '127.0.0.1', 0, 'ORDER_API_PORT', 3000);
  return { plane: dataPlane, port };
}

const get = async (port: number) =>
  (await fetch(`http://127.0.0.1:${port}/`, { headers: { connection: 'close' } })).text();

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server, 0, '127.0.0.1');
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('the data plane (stable ports on their own thread)', () => {
  it('sends connections to the ready replicas in turn', async () => {
    const { plane: dataPlane, port } = await plane();
    dataPlane.setReady('ts-order-api', [await replica('a'), await replica('b')]);
    const answers = [await get(port), await get(port), await get(port), await get(port)];
    expect(answers.sort()).toEqual(['a', 'a', 'b', 'b']);
  });

  it('holds a connection while no replica is ready, and serves it once one is', async () => {
    const { plane: dataPlane, port } = await plane();
    const answer = get(port);
    const ready = await replica('late');
    dataPlane.setReady('ts-order-api', [ready]);
    expect(await answer).toBe('late');
  });

  it('skips a replica that refuses the connection (it just exited) for one that is up', async () => {
    const { plane: dataPlane, port } = await plane();
    dataPlane.setReady('ts-order-api', [await closedPort(), await replica('up')]);
    const answers = await Promise.all([get(port), get(port), get(port), get(port)]);
    expect(answers).toEqual(['up', 'up', 'up', 'up']);
  });

  it('names the variable that moves a taken port', async () => {
    const taken = net.createServer();
    const port = await listen(taken, 0, '127.0.0.1');
    cleanups.push(() => new Promise((resolve) => taken.close(resolve)));
    const dataPlane = new DataPlane(logger);
    cleanups.push(() => dataPlane.close());
    await expect(dataPlane.listen('ts-order-api', '127.0.0.1', port, 'ORDER_API_PORT')).rejects.toThrow(
      `Port ${port} on 127.0.0.1 is already in use. Set ORDER_API_PORT to use another port.`,
    );
  });

  it('a worker that dies is replaced on the same port, with the same ready replicas', async () => {
    const { plane: dataPlane, port } = await plane();
    dataPlane.setReady('ts-order-api', [await replica('a')]);
    expect(await get(port)).toBe('a');
    // The worker is private; ending it from outside is the crash no real input can cause on demand.
    await (dataPlane as unknown as { worker: Worker }).worker.terminate();
    for (let i = 0; i < 100 && dataPlane.restarts === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(dataPlane.restarts).toBe(1);
    expect(await get(port)).toBe('a');
  });

  it('keeps serving while the main thread is stalled (a slow metric query there delays no order)', async () => {
    // Replica and client are other processes: this thread is about to stop for 1.5 s.
    const upstream = spawn(
      process.execPath,
      [
        '-e',
        `require('http').createServer((q,s)=>s.end('up')).listen(0,'127.0.0.1',function(){console.log(this.address().port)})`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    cleanups.push(() => stop(upstream));
    const upstreamPort = Number(await firstLine(upstream));
    const { plane: dataPlane, port } = await plane();
    dataPlane.setReady('ts-order-api', [upstreamPort]);
    const client = spawn(
      process.execPath,
      [
        '-e',
        `const go=async()=>{for(;;){const r=await fetch('http://127.0.0.1:${port}/');await r.text();console.log(Date.now());await new Promise(r=>setTimeout(r,20))}};go()`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    cleanups.push(() => stop(client));
    const answeredAt: number[] = [];
    client.stdout?.on('data', (chunk: Buffer) => answeredAt.push(...chunk.toString().trim().split('\n').map(Number)));
    await firstLine(client);

    const stallStart = Date.now();
    while (Date.now() - stallStart < 1500) {
      // busy: no timer, no I/O callback runs on this thread
    }
    const stallEnd = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const duringStall = answeredAt.filter((t) => t > stallStart + 200 && t < stallEnd - 200);
    expect(duringStall.length).toBeGreaterThan(0);
  });
});

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve) =>
    child.stdout?.once('data', (chunk: Buffer) => resolve(chunk.toString().split('\n')[0] ?? '')),
  );
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill();
  });
}

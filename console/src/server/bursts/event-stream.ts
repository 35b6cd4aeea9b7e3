import 'server-only';
import { sseStream } from '../sse';
import type { BurstManager } from './manager';

/**
 * A burst as Server-Sent Events: one `snapshot` per second (its id is the second, so a reconnecting
 * EventSource's Last-Event-ID resumes after it), then `end` with the final record, then close.
 * Undefined for an unknown burst.
 */
export function burstEventStream(
  bursts: BurstManager,
  id: string,
  afterSecond: number,
  signal: AbortSignal,
): ReadableStream<Uint8Array> | undefined {
  if (!bursts.get(id)) return undefined;
  return sseStream(
    signal,
    (channel) =>
      bursts.subscribe(id, afterSecond, (event) => {
        if (event.type === 'snapshot') {
          channel.send({ id: event.snapshot.second, event: 'snapshot', data: event.snapshot });
        } else {
          channel.send({ event: 'end', data: event.burst });
          queueMicrotask(() => channel.close());
        }
      }) ?? (() => undefined),
  );
}

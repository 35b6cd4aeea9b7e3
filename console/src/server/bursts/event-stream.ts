import 'server-only';
import type { BurstManager } from './manager';

/**
 * A burst as Server-Sent Events: one `snapshot` per second (its id is the second, so a reconnecting
 * EventSource's Last-Event-ID resumes after it), then `end` with the final record, then close. A
 * comment every 15 s keeps proxies from closing an idle stream. Undefined for an unknown burst.
 */
export function burstEventStream(
  bursts: BurstManager,
  id: string,
  afterSecond: number,
  signal: AbortSignal,
): ReadableStream<Uint8Array> | undefined {
  if (!bursts.get(id)) return undefined;
  const encoder = new TextEncoder();
  let unsubscribe: (() => void) | undefined;
  let keepAlive: NodeJS.Timeout | undefined;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const close = () => {
        clearInterval(keepAlive);
        unsubscribe?.();
        try {
          controller.close();
        } catch {
          // already closed
        }
      };
      unsubscribe = bursts.subscribe(id, afterSecond, (event) => {
        if (event.type === 'snapshot') {
          controller.enqueue(
            encoder.encode(
              `id: ${event.snapshot.second}\nevent: snapshot\ndata: ${JSON.stringify(event.snapshot)}\n\n`,
            ),
          );
        } else {
          controller.enqueue(encoder.encode(`event: end\ndata: ${JSON.stringify(event.burst)}\n\n`));
          queueMicrotask(close);
        }
      });
      keepAlive = setInterval(() => controller.enqueue(encoder.encode(': keep-alive\n\n')), 15_000);
      signal.addEventListener('abort', close);
    },
    cancel() {
      clearInterval(keepAlive);
      unsubscribe?.();
    },
  });
}

import 'server-only';

/** What a stream's source writes to: both calls are no-ops once the stream has ended. */
export interface SseChannel {
  send(message: { data: unknown; event?: string; id?: string | number }): void;
  close(): void;
}

/** A comment this often keeps proxies from closing a quiet stream. */
const KEEP_ALIVE_MS = 15_000;

/**
 * A Server-Sent Events body. `open` subscribes to whatever feeds the stream and returns its
 * unsubscribe, which runs exactly once whichever way the stream ends: closed by the source, the
 * request aborted, the client gone (cancelled, or an enqueue that fails between two events).
 */
export function sseStream(signal: AbortSignal, open: (channel: SseChannel) => () => void): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let ended = false;
  let unsubscribe: (() => void) | undefined;
  let keepAlive: NodeJS.Timeout | undefined;
  const end = () => {
    if (ended) return;
    ended = true;
    clearInterval(keepAlive);
    unsubscribe?.();
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const write = (text: string) => {
        if (ended) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          end();
        }
      };
      const close = () => {
        end();
        try {
          controller.close();
        } catch {
          // already closed
        }
      };
      unsubscribe = open({
        send: ({ data, event, id }) =>
          write(
            `${id === undefined ? '' : `id: ${id}\n`}${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`,
          ),
        close,
      });
      if (ended) {
        unsubscribe(); // closed while opening
        return;
      }
      keepAlive = setInterval(() => write(': keep-alive\n\n'), KEEP_ALIVE_MS);
      if (signal.aborted) close();
      else signal.addEventListener('abort', close, { once: true });
    },
    cancel: end,
  });
}

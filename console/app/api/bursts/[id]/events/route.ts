import { HttpProblem, route } from '../../../../../src/server/http';

export const dynamic = 'force-dynamic';

// GET /api/bursts/:id/events - Server-Sent Events: one `snapshot` per second, then `end`.
// A reconnecting EventSource sends Last-Event-ID and gets only what it missed.
export const GET = route<{ id: string }>(({ request, params, app }) => {
  if (!app.bursts.get(params.id)) throw new HttpProblem(404, `No burst ${params.id}`);
  const after = Number(request.headers.get('last-event-id') ?? '0') || 0;
  const encoder = new TextEncoder();
  let unsubscribe: (() => void) | undefined;
  let keepAlive: NodeJS.Timeout | undefined;
  const stream = new ReadableStream<Uint8Array>({
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
      unsubscribe = app.bursts.subscribe(params.id, after, (event) => {
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
      request.signal.addEventListener('abort', close);
    },
    cancel() {
      clearInterval(keepAlive);
      unsubscribe?.();
    },
  });
  return new Response(stream, {
    headers: {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
    },
  });
});

import { burstEventStream } from '@/server/bursts/event-stream';
import { NotFoundError } from '@/server/errors';
import { route } from '@/server/http';

export const dynamic = 'force-dynamic';

// GET /api/bursts/:id/events - Server-Sent Events: one `snapshot` per second, then `end`.
// A reconnecting EventSource sends Last-Event-ID and gets only what it missed.
export const GET = route<{ id: string }>(({ request, params, app }) => {
  const after = Number(request.headers.get('last-event-id') ?? '0') || 0;
  const stream = burstEventStream(app.bursts, params.id, after, request.signal);
  if (!stream) throw new NotFoundError(`No burst ${params.id}`);
  return new Response(stream, {
    headers: {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
    },
  });
});

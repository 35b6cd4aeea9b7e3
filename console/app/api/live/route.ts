import { route } from '@/server/http';
import { liveStream, topicsFrom } from '@/server/live/stream';

export const dynamic = 'force-dynamic';

// GET /api/live?topics=status,orders,chart/15m/<service>/<operation> - Server-Sent Events: each
// topic's value now and at every change, from the one collector every tab shares
export const GET = route(({ request, app }) => {
  const stream = liveStream(app.live, topicsFrom(new URL(request.url)), request.signal);
  return new Response(stream, {
    headers: {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
    },
  });
});

import { route } from '@/server/http';
import { readTopic } from '@/server/live/stream';
import { windowFrom } from '../window';

export const dynamic = 'force-dynamic';

// GET /api/signals/map?to= - the service map over the 5 minutes before `to` (without `to`: now,
// from the shared `map` collector)
export const GET = route(async ({ request, app }) => {
  const url = new URL(request.url);
  if (!url.searchParams.has('to')) return Response.json(await readTopic(app.live, 'map'));
  return Response.json(await app.signals.map({ to: windowFrom(url).to, minutes: 5 }));
});

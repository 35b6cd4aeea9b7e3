import { z } from 'zod';
import { jsonBody, route } from '@/server/http';
import { readTopic } from '@/server/live/stream';

export const dynamic = 'force-dynamic';

const TrafficBody = z.object({ enabled: z.boolean() });

// GET /api/traffic - the background traffic generator's replicas (0 = off)
export const GET = route(async ({ app }) => Response.json(await readTopic(app.live, 'traffic')));

// POST /api/traffic {enabled} - scale the traffic generator Deployment to 1 or 0 through the Kubernetes API
export const POST = route(async ({ request, app, actor }) => {
  const { enabled } = TrafficBody.parse(await jsonBody(request));
  const state = await app.traffic.set(enabled, actor);
  app.live.invalidate('traffic', 'status');
  return Response.json(state);
});

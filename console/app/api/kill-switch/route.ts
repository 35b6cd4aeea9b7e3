import { z } from 'zod';
import { jsonBody, route } from '@/server/http';

export const dynamic = 'force-dynamic';

const KillSwitchBody = z.object({ engaged: z.boolean() });

// GET /api/kill-switch - whether it is on, since when and by whom
export const GET = route(({ app }) => Response.json(app.killSwitch.state()));

// POST /api/kill-switch {engaged: true} - stop every burst and the background traffic, restore the fault,
// and refuse new runs until {engaged: false} re-arms it
export const POST = route(async ({ request, app, actor }) => {
  const { engaged } = KillSwitchBody.parse(await jsonBody(request));
  const state = engaged ? await app.killSwitch.engage(actor) : app.killSwitch.rearm(actor);
  app.live.invalidate('fault', 'bursts', 'traffic', 'audit', 'status');
  return Response.json(state);
});

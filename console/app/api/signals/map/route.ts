import { route } from '@/server/http';
import { windowFrom } from '../window';

export const dynamic = 'force-dynamic';

// GET /api/signals/map?to= - the service map over the 5 minutes before `to`
export const GET = route(async ({ request, app }) =>
  Response.json(await app.signals.map({ to: windowFrom(new URL(request.url)).to, minutes: 5 })),
);

import { jsonBody, route } from '@/server/http';

export const dynamic = 'force-dynamic';

// GET /api/bursts - the running burst (if any) and the history of runs with their summaries
export const GET = route(({ app }) =>
  Response.json({ running: app.bursts.running() ?? null, history: app.bursts.list(20), caps: app.bursts.caps }),
);

// POST /api/bursts - start a burst {rate, durationSeconds, maxInFlight, invalidShare} against the Order API
export const POST = route(async ({ request, app, actor }) =>
  Response.json(await app.bursts.start(await jsonBody(request), actor), { status: 201 }),
);

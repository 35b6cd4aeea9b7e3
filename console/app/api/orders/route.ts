import { jsonBody, route } from '@/server/http';
import { readTopic } from '@/server/live/stream';

export const dynamic = 'force-dynamic';

// POST /api/orders - validate an order with the shared contract, send it to the Order API, report the answer
export const POST = route(async ({ request, app, actor }) => {
  const answer = await app.orders.submit(await jsonBody(request), actor);
  app.live.invalidate('orders');
  return Response.json(answer);
});

// GET /api/orders?limit= - the newest orders, read back from MySQL through the Order API (the
// cockpit's 10 from the shared `orders` collector)
export const GET = route(async ({ request, app }) => {
  const limit = new URL(request.url).searchParams.get('limit');
  return Response.json(limit === '10' ? await readTopic(app.live, 'orders') : await app.orders.recent(limit));
});

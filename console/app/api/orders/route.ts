import { jsonBody, route } from '@/server/http';

export const dynamic = 'force-dynamic';

// POST /api/orders - validate an order with the shared contract, send it to the Order API, report the answer
export const POST = route(async ({ request, app, actor }) =>
  Response.json(await app.orders.submit(await jsonBody(request), actor)),
);

// GET /api/orders?limit= - the newest orders, read back from MySQL through the Order API
export const GET = route(async ({ request, app }) =>
  Response.json(await app.orders.recent(new URL(request.url).searchParams.get('limit'))),
);

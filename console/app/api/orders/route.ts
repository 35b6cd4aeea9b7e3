import { OrderRequestSchema, RECENT_ORDERS_DEFAULT_LIMIT, toFieldErrors } from '@demo/contracts';
import { HttpProblem, jsonBody, route } from '../../../src/server/http';

export const dynamic = 'force-dynamic';

// POST /api/orders - validate an order with the shared contract, send it to the Order API, report the answer
export const POST = route(async ({ request, app, actor }) => {
  const order = await jsonBody(request);
  const parsed = OrderRequestSchema.safeParse(order);
  if (!parsed.success) throw new HttpProblem(422, 'Validation failed', toFieldErrors(parsed.error.issues));
  const result = await app.orderApi.submit(order);
  const orderId =
    typeof result.body === 'object' && result.body && 'order_id' in result.body ? result.body.order_id : undefined;
  app.audit.append({
    actor,
    action: 'order.submit',
    outcome: String(result.status),
    detail: { order_id: orderId, latency_ms: result.latencyMs },
  });
  return Response.json(result);
});

// GET /api/orders?limit= - the newest orders, read back from MySQL through the Order API
export const GET = route(async ({ request, app }) => {
  const limit = Number(new URL(request.url).searchParams.get('limit') ?? RECENT_ORDERS_DEFAULT_LIMIT);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    throw new HttpProblem(422, 'limit must be a whole number from 1 to 100');
  return Response.json(await app.orderApi.recent(limit));
});

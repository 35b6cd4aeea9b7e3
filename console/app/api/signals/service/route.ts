import { NotFoundError } from '@/server/errors';
import { route } from '@/server/http';
import { windowFrom } from '../window';

export const dynamic = 'force-dynamic';

// GET /api/signals/service?service=&from=&to= - a service's operations and dependencies with their numbers
export const GET = route(async ({ request, app }) => {
  const url = new URL(request.url);
  const service = url.searchParams.get('service') ?? '';
  const detail = await app.signals.detail({ service, ...windowFrom(url) });
  if (!detail) throw new NotFoundError(`No service ${service} in ${app.target.environment}`);
  return Response.json(detail);
});

import { ValidationError } from '@/server/errors';
import { route } from '@/server/http';
import { windowFrom } from '../window';

export const dynamic = 'force-dynamic';

// GET /api/signals/chart?service=&operation=&from=&to= - latency, faults, errors and volume with markers
export const GET = route(async ({ request, app }) => {
  const url = new URL(request.url);
  const service = url.searchParams.get('service');
  if (!service) throw new ValidationError('service is required', [{ field: 'service', message: 'Required' }]);
  const operation = url.searchParams.get('operation') ?? undefined;
  return Response.json(await app.signals.chart({ service, ...(operation ? { operation } : {}), ...windowFrom(url) }));
});

import { ValidationError } from '@/server/errors';
import { route } from '@/server/http';
import { readTopic } from '@/server/live/stream';
import { chartTopic, isLiveRange, LIVE_RANGES } from '@/shared/live';
import { windowFrom } from '../window';

export const dynamic = 'force-dynamic';

// GET /api/signals/chart?service=&operation=&range=15m - latency, faults, errors and volume with markers,
// for the last 5m/15m/1h/3h (shared with every tab: the chart's collector), or &from=&to= for a fixed window
export const GET = route(async ({ request, app }) => {
  const url = new URL(request.url);
  const service = url.searchParams.get('service');
  if (!service) throw new ValidationError('service is required', [{ field: 'service', message: 'Required' }]);
  const operation = url.searchParams.get('operation') ?? '';
  const range = url.searchParams.get('range');
  if (range !== null) {
    if (!isLiveRange(range))
      throw new ValidationError('Unknown range', [{ field: 'range', message: `one of ${LIVE_RANGES.join(', ')}` }]);
    return Response.json(await readTopic(app.live, chartTopic({ service, operation, range })));
  }
  return Response.json(await app.signals.chart({ service, ...(operation ? { operation } : {}), ...windowFrom(url) }));
});

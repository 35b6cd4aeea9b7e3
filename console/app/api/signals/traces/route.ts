import { route } from '@/server/http';
import { windowFrom } from '../window';

export const dynamic = 'force-dynamic';

// GET /api/signals/traces?service=&operation=&from=&to= - recent traces (local) or where to find them (AWS)
export const GET = route(async ({ request, app }) => {
  const url = new URL(request.url);
  const window = windowFrom(url);
  const service = url.searchParams.get('service') ?? undefined;
  const operation = url.searchParams.get('operation') ?? undefined;
  const traces = await app.signals.traces.search({
    ...window,
    limit: 30,
    ...(service ? { service } : {}),
    ...(operation ? { operation } : {}),
  });
  const link = service ? app.signals.traces.link(service, { ...window, periodSeconds: 60 }) : null;
  return Response.json({ available: app.signals.traces.available, link, traces });
});

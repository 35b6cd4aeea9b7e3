import { NotFoundError } from '@/server/errors';
import { route } from '@/server/http';

export const dynamic = 'force-dynamic';

// GET /api/signals/traces/:id - the spans of one trace (local-cloud only)
export const GET = route<{ id: string }>(async ({ params, app }) => {
  const spans = await app.signals.traces.spans(params.id);
  if (!spans) throw new NotFoundError(`Trace ${params.id} is not (or no longer) kept`);
  return Response.json({ traceId: params.id, spans });
});

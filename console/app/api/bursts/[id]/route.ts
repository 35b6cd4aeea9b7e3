import { NotFoundError } from '@/server/errors';
import { route } from '@/server/http';

export const dynamic = 'force-dynamic';

// GET /api/bursts/:id - one burst with its per-second snapshots
export const GET = route<{ id: string }>(({ params, app }) => {
  const burst = app.bursts.get(params.id);
  if (!burst) throw new NotFoundError(`No burst ${params.id}`);
  return Response.json(burst);
});

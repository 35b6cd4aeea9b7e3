import { NotFoundError } from '@/server/errors';
import { route } from '@/server/http';

export const dynamic = 'force-dynamic';

// POST /api/bursts/:id/stop - stop sending; in-flight requests finish; answers the final record
export const POST = route<{ id: string }>(async ({ params, app, actor }) => {
  const burst = await app.bursts.stop(params.id, actor);
  if (!burst) throw new NotFoundError(`No burst ${params.id}`);
  return Response.json(burst);
});

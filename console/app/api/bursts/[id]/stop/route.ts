import { HttpProblem, route } from '../../../../../src/server/http';

export const dynamic = 'force-dynamic';

// POST /api/bursts/:id/stop - stop sending; in-flight requests finish; answers the final record
export const POST = route<{ id: string }>(async ({ params, app, actor }) => {
  const burst = await app.bursts.stop(params.id, actor);
  if (!burst) throw new HttpProblem(404, `No burst ${params.id}`);
  return Response.json(burst);
});

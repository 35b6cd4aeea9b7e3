import { NotFoundError } from '@/server/errors';
import { route } from '@/server/http';

export const dynamic = 'force-dynamic';

// GET /api/bursts/:id/csv - the per-second snapshots as a CSV download
export const GET = route<{ id: string }>(({ params, app }) => {
  const csv = app.bursts.csv(params.id);
  if (csv === undefined) throw new NotFoundError(`No burst ${params.id}`);
  return new Response(csv, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="burst-${params.id}.csv"`,
    },
  });
});

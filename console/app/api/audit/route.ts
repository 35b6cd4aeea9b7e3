import { route } from '@/server/http';

export const dynamic = 'force-dynamic';

// GET /api/audit?limit= - the append-only activity log, newest first
export const GET = route(({ request, app }) => {
  const limit = Math.min(Math.max(Number(new URL(request.url).searchParams.get('limit') ?? '100') || 100, 1), 500);
  return Response.json({ entries: app.audit.list(limit) });
});

import { route } from '@/server/http';

export const dynamic = 'force-dynamic';

// GET /api/fault?delay= - the runbook: running run, history, fault active, auto-restore time, and both plans
export const GET = route(({ request, app }) => {
  const delay = Number(new URL(request.url).searchParams.get('delay') ?? '') || undefined;
  return Response.json({
    ...app.runbook.state(),
    plans: { inject: app.runbook.plan('inject', delay), restore: app.runbook.plan('restore') },
  });
});

import { route } from '@/server/http';
import { readTopic } from '@/server/live/stream';

export const dynamic = 'force-dynamic';

// GET /api/slos - the demo SLOs with attainment, budget and status (BatchGetServiceLevelObjectiveBudgetReport)
export const GET = route(async ({ app }) => Response.json(await readTopic(app.live, 'slos')));

// POST /api/slos - create the demo SLOs that do not exist yet (CreateServiceLevelObjective)
export const POST = route(async ({ app, actor }) => {
  const created = await app.signals.slos.ensure();
  app.audit.append({ actor, action: 'slo.create', outcome: 'succeeded', detail: { created } });
  app.live.invalidate('slos');
  return Response.json({ created, slos: await app.signals.slos.report() }, { status: 201 });
});

import { ValidationError } from '@/server/errors';
import { route } from '@/server/http';
import { readTopic } from '@/server/live/stream';
import { isScenarioId, SCENARIO_IDS } from '@/shared/scenarios';

export const dynamic = 'force-dynamic';

// GET /api/fault?scenario=&delay= - the shared `fault` topic (running run, history, fault active, auto-restore
// time, kill switch) and both plans (the inject's for that scenario and hold: a dry run, nothing is written)
export const GET = route(async ({ request, app }) => {
  const url = new URL(request.url);
  const delayText = url.searchParams.get('delay');
  const delay = delayText === null || delayText === '' ? undefined : Number(delayText);
  const scenario = url.searchParams.get('scenario') ?? 'pool-exhaustion';
  if (!isScenarioId(scenario))
    throw new ValidationError('Unknown scenario', [
      { field: 'scenario', message: `one of ${SCENARIO_IDS.join(', ')}` },
    ]);
  const view = (await readTopic(app.live, 'fault')) as object;
  return Response.json({
    ...view,
    plans: { inject: app.runbook.plan('inject', delay, scenario), restore: app.runbook.plan('restore') },
  });
});

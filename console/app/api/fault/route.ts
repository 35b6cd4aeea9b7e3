import { ValidationError } from '@/server/errors';
import { route } from '@/server/http';
import { isScenarioId, SCENARIO_IDS } from '@/shared/scenarios';

export const dynamic = 'force-dynamic';

// GET /api/fault?scenario=&delay= - the runbook: running run, history, fault active, auto-restore time, and
// both plans (the inject's for that scenario and hold: a dry run, nothing is written)
export const GET = route(({ request, app }) => {
  const url = new URL(request.url);
  const delayText = url.searchParams.get('delay');
  const delay = delayText === null || delayText === '' ? undefined : Number(delayText);
  const scenario = url.searchParams.get('scenario') ?? 'pool-exhaustion';
  if (!isScenarioId(scenario))
    throw new ValidationError('Unknown scenario', [
      { field: 'scenario', message: `one of ${SCENARIO_IDS.join(', ')}` },
    ]);
  return Response.json({
    ...app.runbook.state(),
    killSwitch: app.killSwitch.state(),
    plans: { inject: app.runbook.plan('inject', delay, scenario), restore: app.runbook.plan('restore') },
  });
});

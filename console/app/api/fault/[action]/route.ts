import { POOL_PARAM_LIMITS } from '@demo/contracts';
import { z } from 'zod';
import { NotFoundError } from '@/server/errors';
import { jsonBody, route } from '@/server/http';
import { SCENARIO_IDS } from '@/shared/scenarios';

export const dynamic = 'force-dynamic';

const InjectBody = z.object({
  scenario: z.enum(SCENARIO_IDS).optional(),
  // Checked against the scenario's own bounds by the runbook.
  faultDelaySeconds: z
    .number()
    .int()
    .min(POOL_PARAM_LIMITS.faultDelaySeconds.min)
    .max(POOL_PARAM_LIMITS.faultDelaySeconds.max)
    .optional(),
});

// POST /api/fault/inject {scenario?, faultDelaySeconds?} | /api/fault/restore | /api/fault/retry - start a runbook run (202)
export const POST = route<{ action: string }>(async ({ request, params, app, actor }) => {
  if (params.action === 'retry') {
    const run = await app.runbook.retry(actor);
    app.live.invalidate('fault', 'audit');
    return Response.json(run, { status: 202 });
  }
  if (params.action !== 'inject' && params.action !== 'restore')
    throw new NotFoundError(`No fault action ${params.action}`);
  const body = InjectBody.parse(await jsonBody(request, {}));
  const run = await app.runbook.start(params.action, {
    requestedBy: actor,
    ...(body.scenario === undefined ? {} : { scenario: body.scenario }),
    ...(body.faultDelaySeconds === undefined ? {} : { faultDelaySeconds: body.faultDelaySeconds }),
  });
  app.live.invalidate('fault', 'audit');
  return Response.json(run, { status: 202 });
});

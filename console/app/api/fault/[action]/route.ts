import { POOL_PARAM_LIMITS } from '@demo/contracts';
import { z } from 'zod';
import { NotFoundError } from '@/server/errors';
import { jsonBody, route } from '@/server/http';
import { GUARD_LIMITS } from '@/shared/experiment';
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
  /** Changes to the scenario's default guards (console/src/shared/experiment.ts). */
  guards: z
    .object({
      faultRatePercent: z.number().min(GUARD_LIMITS.faultRatePercent.min).max(GUARD_LIMITS.faultRatePercent.max),
      faultRatePeriods: z.number().int().min(GUARD_LIMITS.faultRatePeriods.min).max(GUARD_LIMITS.faultRatePeriods.max),
      budgetBurnPercent: z.number().min(GUARD_LIMITS.budgetBurnPercent.min).max(GUARD_LIMITS.budgetBurnPercent.max),
      restoreOnBurstEnd: z.boolean(),
    })
    .partial()
    .strict()
    .optional(),
  /** The second confirmation: inject although the steady-state check fails (recorded). */
  overrideSteadyState: z.boolean().optional(),
});

// POST /api/fault/inject {scenario?, faultDelaySeconds?, guards?, overrideSteadyState?} | /api/fault/restore |
// /api/fault/retry - start a runbook run (202); an Inject only once the steady-state check passes (409 with it)
export const POST = route<{ action: string }>(async ({ request, params, app, actor }) => {
  if (params.action === 'retry') {
    const run = await app.runbook.retry(actor);
    app.live.invalidate('fault', 'audit');
    return Response.json(run, { status: 202 });
  }
  if (params.action !== 'inject' && params.action !== 'restore')
    throw new NotFoundError(`No fault action ${params.action}`);
  const body = InjectBody.parse(await jsonBody(request, {}));
  const run =
    params.action === 'restore'
      ? await app.runbook.start('restore', { requestedBy: actor })
      : await app.experiments.inject({
          requestedBy: actor,
          ...(body.scenario === undefined ? {} : { scenario: body.scenario }),
          ...(body.faultDelaySeconds === undefined ? {} : { faultDelaySeconds: body.faultDelaySeconds }),
          ...(body.guards === undefined ? {} : { guards: body.guards }),
          ...(body.overrideSteadyState === undefined ? {} : { overrideSteadyState: body.overrideSteadyState }),
        });
  app.live.invalidate('fault', 'audit');
  return Response.json(run, { status: 202 });
});

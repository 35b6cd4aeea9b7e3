import { route } from '@/server/http';

export const dynamic = 'force-dynamic';

// GET /api/experiments/steady-state - what the check before an Inject finds now (reads, changes nothing)
export const GET = route(async ({ app }) => Response.json(await app.experiments.steadyState()));

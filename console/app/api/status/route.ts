import { route } from '@/server/http';
import { readStatus } from '@/server/status';

export const dynamic = 'force-dynamic';

// GET /api/status - the status strip: each dependency green/amber/red with its reason, and pool drift
export const GET = route(async ({ app }) => Response.json(await readStatus(app)));

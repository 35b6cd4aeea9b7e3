import { route } from '@/server/http';
import { readTopic } from '@/server/live/stream';

export const dynamic = 'force-dynamic';

// GET /api/status - the status strip: each dependency green/amber/red with its reason, and pool drift
// (read at most every 5 s, whoever asks: the `status` collector)
export const GET = route(async ({ app }) => Response.json(await readTopic(app.live, 'status')));

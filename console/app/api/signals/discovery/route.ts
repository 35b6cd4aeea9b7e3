import { route } from '@/server/http';
import { readTopic } from '@/server/live/stream';

export const dynamic = 'force-dynamic';

// GET /api/signals/discovery - the services Application Signals knows in this environment, with their operations
export const GET = route(async ({ app }) => Response.json(await readTopic(app.live, 'discovery')));

import { route } from '@/server/http';

export const dynamic = 'force-dynamic';

// GET /api/target - what the console points at (settings page) and the caps bursts must respect
export const GET = route(({ app, role }) =>
  Response.json({
    kind: app.target.kind,
    prefix: app.target.prefix,
    region: app.target.region,
    namespace: app.target.namespace,
    environment: app.target.environment,
    clusterName: app.target.clusterName ?? null,
    sources: app.target.sources,
    clients: app.clients.describe(),
    caps: app.config.caps,
    autoRestoreMinutes: app.config.autoRestoreMinutes,
    operatorTokenRequired: Boolean(app.config.operatorToken),
    role: role ?? 'viewer',
    startedAt: app.startedAt.toISOString(),
  }),
);

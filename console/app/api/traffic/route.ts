import { z } from 'zod';
import { jsonBody, route } from '../../../src/server/http';

export const dynamic = 'force-dynamic';

// GET /api/traffic - the background traffic generator's replicas (0 = off)
export const GET = route(async ({ app }) => {
  const deployment = await app.kube.readDeployment(app.names.trafficGenerator);
  return Response.json({
    enabled: (deployment.spec?.replicas ?? 0) > 0,
    replicas: deployment.spec?.replicas ?? 0,
    ready: deployment.status?.readyReplicas ?? 0,
  });
});

// POST /api/traffic {enabled} - scale the traffic generator Deployment to 1 or 0 through the Kubernetes API
export const POST = route(async ({ request, app, actor }) => {
  const { enabled } = z.object({ enabled: z.boolean() }).parse(await jsonBody(request));
  const deployment = await app.kube.scale(app.names.trafficGenerator, enabled ? 1 : 0);
  app.audit.append({
    actor,
    action: enabled ? 'traffic.on' : 'traffic.off',
    outcome: 'succeeded',
    detail: { replicas: deployment.spec?.replicas },
  });
  return Response.json({
    enabled,
    replicas: deployment.spec?.replicas ?? 0,
    ready: deployment.status?.readyReplicas ?? 0,
  });
});

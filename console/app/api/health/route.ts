// GET /api/health - the console process answers (local-cloud waits on this; no token needed)
export function GET(): Response {
  return Response.json({ status: 'ok' });
}

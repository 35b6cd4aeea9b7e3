import { z } from 'zod';
import { roleForToken, servedOverTls, sessionCookie } from '@/server/access';
import { jsonBody, route } from '@/server/http';

export const dynamic = 'force-dynamic';

const LoginBody = z.object({ token: z.string().min(1).max(512) });

// POST /api/login {token} - exchanges the operator or viewer token for a signed session cookie
export const POST = route(
  async ({ request, app, actor }) => {
    const wait = app.loginThrottle.retryAfterSeconds();
    if (wait > 0)
      return Response.json(
        { error: `Too many wrong tokens: try again in ${wait} s`, status_code: 429 },
        { status: 429, headers: { 'retry-after': String(wait) } },
      );
    const { token } = LoginBody.parse(await jsonBody(request));
    const operatorToken = app.config.operatorToken;
    const role = operatorToken ? roleForToken(token, app.config) : undefined;
    if (!operatorToken || !role) {
      app.loginThrottle.failed();
      app.audit.append({ actor, action: 'login', outcome: 'refused', detail: {} });
      return Response.json({ error: 'Wrong token', status_code: 401 }, { status: 401 });
    }
    app.audit.append({ actor: actor.replace(/^[^@]*/, role), action: 'login', outcome: 'succeeded', detail: { role } });
    return Response.json(
      { ok: true, role },
      { headers: { 'set-cookie': sessionCookie(role, operatorToken, servedOverTls(request, app.config)) } },
    );
  },
  { public: true },
);

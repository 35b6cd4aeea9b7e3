import { z } from 'zod';
import { jsonBody, route, isOperator, TOKEN_COOKIE } from '@/server/http';

export const dynamic = 'force-dynamic';

const LoginBody = z.object({ token: z.string().min(1) });

// POST /api/login {token} - checks the operator token and sets it as an httpOnly cookie
export const POST = route(
  async ({ request, app }) => {
    const { token } = LoginBody.parse(await jsonBody(request));
    const probe = new Request(request.url, { headers: { authorization: `Bearer ${token}` } });
    if (!app.config.operatorToken || !isOperator(probe, app.config.operatorToken)) {
      app.audit.append({ actor: 'unknown', action: 'login', outcome: 'refused', detail: {} });
      return Response.json({ error: 'Wrong operator token', status_code: 401 }, { status: 401 });
    }
    app.audit.append({ actor: 'operator', action: 'login', outcome: 'succeeded', detail: {} });
    const secure = new URL(request.url).protocol === 'https:' ? '; Secure' : '';
    return Response.json(
      { ok: true },
      {
        headers: {
          'set-cookie': `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/; Max-Age=43200${secure}`,
        },
      },
    );
  },
  { public: true },
);

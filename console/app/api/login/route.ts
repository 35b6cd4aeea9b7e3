import { z } from 'zod';
import { getConsole } from '../../../src/server/context';
import { isOperator, TOKEN_COOKIE } from '../../../src/server/http';

export const dynamic = 'force-dynamic';

// POST /api/login {token} - checks the operator token and sets it as an httpOnly cookie
export async function POST(request: Request): Promise<Response> {
  const app = getConsole();
  const parsed = z.object({ token: z.string().min(1) }).safeParse(await request.json().catch(() => undefined));
  const token = parsed.success ? parsed.data.token : '';
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
}

import { ValidationError } from '@/server/errors';
import { route } from '@/server/http';

export const dynamic = 'force-dynamic';

// GET /api/experiments/:id/pack?format=html|json - the evidence pack as a download: one HTML file
// that opens offline (charts drawn from the data, the data inside), or the same data as JSON
export const GET = route<{ id: string }>(async ({ request, params, app }) => {
  const format = new URL(request.url).searchParams.get('format') ?? 'html';
  if (format !== 'html' && format !== 'json')
    throw new ValidationError('Unknown format', [{ field: 'format', message: 'html or json' }]);
  const { report, html } = await app.experiments.pack(params.id);
  const name = `fault-run-${report.inject.requestedAt.slice(0, 19).replace(/[:T]/g, '-')}-${report.scenario.id}`;
  return format === 'html'
    ? new Response(html, {
        headers: {
          'content-type': 'text/html; charset=utf-8',
          'content-disposition': `attachment; filename="${name}.html"`,
        },
      })
    : new Response(JSON.stringify(report, null, 2), {
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'content-disposition': `attachment; filename="${name}.json"`,
        },
      });
});

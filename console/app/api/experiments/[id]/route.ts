import { z } from 'zod';
import { jsonBody, route } from '@/server/http';
import { MAX_NOTE_CHARS } from '@/shared/experiment';

export const dynamic = 'force-dynamic';

// GET /api/experiments/:id - the report of a fault run (its inject's id): steps, parameters, charts,
// detection and recovery times, SLO budgets, bursts, findings, audit rows
export const GET = route<{ id: string }>(async ({ params, app }) =>
  Response.json(await app.experiments.report(params.id)),
);

const NoteBody = z.object({ note: z.string().max(MAX_NOTE_CHARS, `at most ${MAX_NOTE_CHARS} characters`) });

// PUT /api/experiments/:id {note} - the presenter's note for the report and the evidence pack
export const PUT = route<{ id: string }>(async ({ request, params, app, actor }) => {
  const { note } = NoteBody.parse(await jsonBody(request));
  return Response.json(app.experiments.setNote(params.id, note, actor));
});

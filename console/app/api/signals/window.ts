import { z } from 'zod';

const HOUR = 3600_000;

/** `from`/`to` (epoch ms) from the query; defaults to the last 15 minutes, at most 3 hours back. */
export function windowFrom(url: URL): { from: number; to: number } {
  const query = z
    .object({
      from: z.coerce.number().int().positive().optional(),
      to: z.coerce.number().int().positive().optional(),
    })
    .parse(Object.fromEntries(url.searchParams));
  const to = query.to ?? Date.now();
  const from = Math.max(query.from ?? to - 15 * 60_000, to - 3 * HOUR);
  return { from: Math.min(from, to - 1000), to };
}

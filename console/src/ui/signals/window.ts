export type RangeChoice = '5m' | '15m' | '1h' | '3h' | 'custom';

export const RANGES: { value: RangeChoice; label: string; ms: number }[] = [
  { value: '5m', label: '5 min', ms: 5 * 60_000 },
  { value: '15m', label: '15 min', ms: 15 * 60_000 },
  { value: '1h', label: '1 h', ms: 3600_000 },
  { value: '3h', label: '3 h', ms: 3 * 3600_000 },
];

/** A fixed window for a relative range, recomputed on each refresh ("live"). */
export function rangeWindow(
  range: RangeChoice,
  now: number,
  custom: { from: number; to: number },
): { from: number; to: number } {
  const choice = RANGES.find((r) => r.value === range);
  return choice ? { from: now - choice.ms, to: now } : custom;
}

/** `<input type=datetime-local>` value for an epoch ms, in local time. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

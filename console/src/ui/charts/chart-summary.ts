import type { Series } from './chart.types';

export interface SeriesSummary {
  name: string;
  /** The newest value that is not null (null when the series has none). */
  last: number | null;
  /** The highest value in the window. */
  peak: number | null;
}

/**
 * What a chart shows, in words and numbers under it: each series' newest and highest value. The
 * presenter reads exact figures without hovering, and tests read them as a person would.
 */
export function summarise(data: readonly Record<string, unknown>[], series: readonly Series[]): SeriesSummary[] {
  return series.map((s) => {
    let last: number | null = null;
    let peak: number | null = null;
    for (const row of data) {
      const value = row[s.key];
      if (typeof value !== 'number' || !Number.isFinite(value)) continue;
      last = value;
      peak = peak === null ? value : Math.max(peak, value);
    }
    return { name: s.name, last, peak };
  });
}

function figure(value: number | null): string {
  if (value === null) return '—';
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

/** `sent/s 20 (peak 21) · p99 ms 12.5 (peak 40.2)` */
export function summaryText(summaries: readonly SeriesSummary[]): string {
  return summaries.map((s) => `${s.name} ${figure(s.last)} (peak ${figure(s.peak)})`).join(' · ');
}

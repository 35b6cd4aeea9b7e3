/** Charts as data: what the one LineChart component draws. */
export interface Series {
  key: string;
  name: string;
  color: string;
  /** Which y axis: left (default) or right. */
  axis?: 'left' | 'right';
  dashed?: boolean;
}

export interface Marker {
  x: number;
  label: string;
  /** Shown on hover. */
  detail?: string;
  color?: string;
}

export interface ChartSpec {
  title: string;
  xKey: string;
  series: Series[];
  data: Record<string, number | string | null>[];
  markers?: Marker[];
  /** Shaded spans, e.g. metrics not yet published. */
  areas?: { from: number; to: number; label: string }[];
  /** `time`: x holds epoch ms, shown as clock time. */
  xType?: 'index' | 'time';
  unit?: string;
  height?: number;
  testId?: string;
}

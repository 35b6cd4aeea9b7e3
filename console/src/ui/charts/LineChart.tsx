'use client';

import {
  CartesianGrid,
  Legend,
  Line,
  LineChart as Chart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

export interface Series {
  key: string;
  name: string;
  color: string;
  /** Which y axis: left (default) or right. */
  axis?: 'left' | 'right';
}

export interface Marker {
  x: number | string;
  label: string;
  color?: string;
}

export interface ChartSpec {
  title: string;
  xKey: string;
  series: Series[];
  data: Record<string, number | string | null>[];
  markers?: Marker[];
  height?: number;
  testId?: string;
}

/** The one chart component: every chart in the console is data handed to it. */
export function LineChart({ title, xKey, series, data, markers = [], height = 180, testId }: ChartSpec) {
  const hasRight = series.some((s) => s.axis === 'right');
  return (
    <figure className="w-full" data-testid={testId}>
      <figcaption className="mb-1 text-xs font-medium text-slate-600">{title}</figcaption>
      <div style={{ height }}>
        <ResponsiveContainer width="100%" height="100%">
          <Chart data={data} margin={{ top: 4, right: 8, bottom: 0, left: -16 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
            <XAxis dataKey={xKey} tick={{ fontSize: 10 }} />
            <YAxis yAxisId="left" tick={{ fontSize: 10 }} />
            {hasRight && <YAxis yAxisId="right" orientation="right" tick={{ fontSize: 10 }} />}
            <Tooltip contentStyle={{ fontSize: 12 }} />
            <Legend wrapperStyle={{ fontSize: 11 }} />
            {series.map((s) => (
              <Line
                key={s.key}
                yAxisId={s.axis ?? 'left'}
                type="linear"
                dataKey={s.key}
                name={s.name}
                stroke={s.color}
                dot={false}
                isAnimationActive={false}
                connectNulls
              />
            ))}
            {markers.map((m, i) => (
              <ReferenceLine
                key={`${m.x}-${i}`}
                yAxisId="left"
                x={m.x}
                stroke={m.color ?? '#7c3aed'}
                strokeDasharray="4 2"
                label={{ value: m.label, fontSize: 10, position: 'insideTopLeft' }}
              />
            ))}
          </Chart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

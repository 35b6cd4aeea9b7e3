'use client';

import {
  CartesianGrid,
  Legend,
  Line,
  LineChart as Chart,
  ReferenceArea,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { summarise, summaryText } from './chart-summary';
import type { ChartSpec, Marker } from './chart.types';

export type { ChartSpec, Marker, Series } from './chart.types';

const clock = (ms: number) => new Date(ms).toLocaleTimeString([], { hour12: false });

function MarkerLabel({ viewBox, marker }: { viewBox?: { x?: number; y?: number }; marker: Marker }) {
  const x = viewBox?.x ?? 0;
  const y = (viewBox?.y ?? 0) + 10;
  return (
    <g className="chart-marker" data-marker={marker.label}>
      <title>{marker.detail ?? marker.label}</title>
      <text x={x + 3} y={y} fontSize={10} fill={marker.color ?? '#7c3aed'}>
        {marker.label}
      </text>
    </g>
  );
}

/** The one chart component: every chart in the console is data handed to it. */
export function LineChart({
  title,
  xKey,
  series,
  data,
  markers = [],
  areas = [],
  xType = 'index',
  unit,
  height = 180,
  testId,
}: ChartSpec) {
  const hasRight = series.some((s) => s.axis === 'right');
  const time = xType === 'time';
  return (
    <figure className="w-full" data-testid={testId} data-markers={markers.length}>
      <figcaption className="mb-1 text-xs font-medium text-slate-600">{title}</figcaption>
      <div style={{ height }}>
        <ResponsiveContainer width="100%" height="100%">
          <Chart data={data} margin={{ top: 12, right: 8, bottom: 0, left: -12 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
            <XAxis
              dataKey={xKey}
              tick={{ fontSize: 10 }}
              {...(time
                ? {
                    type: 'number' as const,
                    domain: ['dataMin', 'dataMax'],
                    scale: 'time' as const,
                    tickFormatter: clock,
                  }
                : {})}
            />
            <YAxis yAxisId="left" tick={{ fontSize: 10 }} unit={unit} />
            {hasRight && <YAxis yAxisId="right" orientation="right" tick={{ fontSize: 10 }} />}
            <Tooltip
              contentStyle={{ fontSize: 12 }}
              labelFormatter={(value: unknown) =>
                time
                  ? clock(Number(value))
                  : typeof value === 'string' || typeof value === 'number'
                    ? String(value)
                    : ''
              }
            />
            <Legend wrapperStyle={{ fontSize: 11 }} />
            {areas.map((area) => (
              <ReferenceArea
                key={area.label}
                yAxisId="left"
                x1={area.from}
                x2={area.to}
                fill="#94a3b8"
                fillOpacity={0.15}
                label={{ value: area.label, fontSize: 9, position: 'insideTop' }}
              />
            ))}
            {series.map((s) => (
              <Line
                key={s.key}
                yAxisId={s.axis ?? 'left'}
                type="linear"
                dataKey={s.key}
                name={s.name}
                stroke={s.color}
                strokeDasharray={s.dashed ? '5 3' : undefined}
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
                label={<MarkerLabel marker={m} />}
              />
            ))}
          </Chart>
        </ResponsiveContainer>
      </div>
      <p className="mt-1 text-[11px] text-slate-500" data-testid={testId ? `${testId}-summary` : undefined}>
        {data.length === 0 ? 'no data yet' : `${data.length} points: ${summaryText(summarise(data, series))}`}
        {markers.length > 0 && ` · marked: ${[...new Set(markers.map((m) => m.label))].join(', ')}`}
      </p>
    </figure>
  );
}

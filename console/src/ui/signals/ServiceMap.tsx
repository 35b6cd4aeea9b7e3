'use client';

import type { Edge, ServiceMap as Map_ } from '../../shared/signals';
import { Card } from '../common/Card';
import { LiveNotice } from '../common/LiveNotice';
import { mapQuery } from '../api';
import { useLiveQuery } from '../live';
import { HEALTH_CLASSES, health, millis, percent } from './format';

/** Columns by call depth from the clients: clients | Order API | Delivery API | MySQL, AWS::SSM. */
function columns(map: Map_): string[][] {
  const depth = new Map<string, number>([['clients', 0]]);
  for (let changed = true, round = 0; changed && round < 10; round++) {
    changed = false;
    for (const edge of map.edges) {
      const from = depth.get(edge.from);
      if (from !== undefined && (depth.get(edge.to) ?? -1) < from + 1) {
        depth.set(edge.to, from + 1);
        changed = true;
      }
    }
  }
  const result: string[][] = [];
  for (const node of map.nodes) {
    const d = depth.get(node.name) ?? 1;
    (result[d] ??= []).push(node.name);
  }
  return result.filter(Boolean);
}

function EdgeLabel({ edge }: { edge: Edge }) {
  const colour = health(edge.totals);
  return (
    <div
      className={`rounded border px-2 py-1 text-[11px] ${HEALTH_CLASSES[colour]}`}
      data-testid={`edge-${edge.from}-${edge.to}`}
      data-health={colour}
    >
      <div className="font-medium">
        {edge.from} → {edge.to}
      </div>
      {edge.totals.requests} calls · p99 {millis(edge.totals.p99)} · faults {percent(edge.totals.faultRate)}
    </div>
  );
}

/** Who calls whom over the last 5 minutes, from Application Signals' dependency data. */
export function ServiceMap() {
  const map = useLiveQuery('map', mapQuery());
  const { data } = map;
  return (
    <Card title="Service map (last 5 min)" testId="service-map">
      <LiveNotice topic="map" query={map} testId="map-stale" />
      {data && (
        <div className="flex items-center gap-3 overflow-x-auto pb-1">
          {columns(data).map((column, index, all) => (
            <div key={column.join()} className="flex shrink-0 items-center gap-3">
              <div className="grid gap-2">
                {column.map((name) => {
                  const node = data.nodes.find((n) => n.name === name);
                  const colour = node && node.kind !== 'client' ? health(node.totals) : 'idle';
                  return (
                    <div
                      key={name}
                      className={`min-w-32 rounded-lg border-2 px-3 py-2 text-sm ${HEALTH_CLASSES[colour]}`}
                      data-testid={`node-${name}`}
                      data-health={colour}
                    >
                      <div className="font-semibold">{name}</div>
                      {node && node.kind !== 'client' && (
                        <div className="text-[11px] text-slate-600">
                          {node.totals.requests} req · p99 {millis(node.totals.p99)} · faults{' '}
                          {percent(node.totals.faultRate)}
                        </div>
                      )}
                      {node?.kind === 'client' && (
                        <div className="text-[11px] text-slate-500">traffic, bursts, browsers</div>
                      )}
                    </div>
                  );
                })}
              </div>
              {index < all.length - 1 && (
                <div className="grid gap-1 text-slate-400">
                  <span className="text-center text-lg leading-none">→</span>
                  {data.edges
                    .filter((e) => column.includes(e.from))
                    .map((edge) => (
                      <EdgeLabel key={`${edge.from}-${edge.to}`} edge={edge} />
                    ))}
                </div>
              )}
            </div>
          ))}
        </div>
      )}
    </Card>
  );
}

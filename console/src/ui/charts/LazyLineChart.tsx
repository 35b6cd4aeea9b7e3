'use client';

import dynamic from 'next/dynamic';

/**
 * `LineChart`, loaded after the page instead of with it: recharts is the heaviest thing the console
 * ships (about 130 KB gzipped), and the cockpit's first load stays under its 250 KB budget without
 * it (bench/RESULTS.md, console weight). Charts fill in once their data and this chunk arrive.
 */
export const LineChart = dynamic(() => import('./LineChart').then((m) => m.LineChart), {
  ssr: false,
  loading: () => <div className="w-full animate-pulse rounded bg-slate-50" style={{ height: 200 }} />,
});

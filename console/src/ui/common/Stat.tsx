/** One labelled number of a live tile row (red when it is bad news). */
export function Stat({
  label,
  value,
  testId,
  tone,
}: {
  label: string;
  value: string | number;
  testId: string;
  tone?: 'bad' | undefined;
}) {
  return (
    <div className="rounded bg-slate-50 px-2 py-1">
      <div className="text-[10px] uppercase text-slate-500">{label}</div>
      <div className={`text-sm font-semibold ${tone === 'bad' ? 'text-red-700' : ''}`} data-testid={testId}>
        {value}
      </div>
    </div>
  );
}

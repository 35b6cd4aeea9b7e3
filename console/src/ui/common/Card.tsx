import type { ReactNode } from 'react';

export function Card({
  title,
  children,
  actions,
  testId,
}: {
  title: string;
  children: ReactNode;
  actions?: ReactNode;
  testId?: string;
}) {
  return (
    <section className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm" data-testid={testId}>
      <div className="mb-3 flex items-center justify-between gap-2">
        <h2 className="text-sm font-semibold uppercase tracking-wide text-slate-500">{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  );
}

export function ErrorText({ error }: { error: unknown }) {
  if (!error) return null;
  return <p className="mt-2 text-sm text-red-700">{error instanceof Error ? error.message : JSON.stringify(error)}</p>;
}

export function formatTime(iso: string | undefined): string {
  return iso ? new Date(iso).toLocaleTimeString([], { hour12: false }) : '';
}

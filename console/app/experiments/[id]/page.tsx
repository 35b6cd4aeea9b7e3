import { Header } from '@/ui/Header';
import { ExperimentView } from '@/ui/experiment/ExperimentView';

export const dynamic = 'force-dynamic';

/** One fault run: its report, the presenter's note, and the evidence pack to export. */
export default async function ExperimentPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <>
      <Header current="experiment" />
      <main className="mx-auto max-w-6xl p-4">
        <ExperimentView id={decodeURIComponent(id)} />
      </main>
    </>
  );
}

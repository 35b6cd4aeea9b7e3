import { Header } from '@/ui/Header';
import { ServiceDetailView } from '@/ui/signals/ServiceDetailView';

export const dynamic = 'force-dynamic';

/** A service's operations, dependencies and traces. */
export default async function ServicePage({ params }: { params: Promise<{ name: string }> }) {
  const { name } = await params;
  return (
    <>
      <Header current="service" />
      <main className="mx-auto max-w-6xl p-4">
        <ServiceDetailView service={decodeURIComponent(name)} />
      </main>
    </>
  );
}

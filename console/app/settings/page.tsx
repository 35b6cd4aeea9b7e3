import { Header } from '@/ui/Header';
import { SettingsView } from '@/ui/SettingsView';

export const dynamic = 'force-dynamic';

/** What the console points at, and where each fact came from. */
export default function Settings() {
  return (
    <>
      <Header current="settings" />
      <main className="mx-auto max-w-4xl p-4">
        <SettingsView />
      </main>
    </>
  );
}

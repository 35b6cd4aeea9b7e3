import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { roleOf } from '@/server/access';
import { getConsole } from '@/server/context';
import { ActivityLog } from '@/ui/activity/ActivityLog';
import { BurstCard } from '@/ui/bursts/BurstCard';
import { FaultCard } from '@/ui/fault/FaultCard';
import { Header } from '@/ui/Header';
import { OrderCard } from '@/ui/orders/OrderCard';
import { RecentOrders } from '@/ui/orders/RecentOrders';
import { ServiceMap } from '@/ui/signals/ServiceMap';
import { SignalsPanel } from '@/ui/signals/SignalsPanel';
import { SloCard } from '@/ui/signals/SloCard';
import { StatusStrip } from '@/ui/status/StatusStrip';

export const dynamic = 'force-dynamic';

/** The presenter's cockpit. */
export default async function Cockpit() {
  const cookie = (await headers()).get('cookie');
  if (!roleOf(new Request('http://console/', { headers: cookie ? { cookie } : {} }), getConsole().config))
    redirect('/login');
  return (
    <>
      <Header current="cockpit" />
      <main className="mx-auto grid max-w-7xl gap-4 p-4">
        <StatusStrip />
        <div className="grid gap-4 lg:grid-cols-[3fr_2fr]">
          <div className="grid content-start gap-4">
            <FaultCard />
            <BurstCard />
          </div>
          <div className="grid content-start gap-4">
            <OrderCard />
            <SloCard />
          </div>
        </div>
        <SignalsPanel />
        <ServiceMap />
        <div className="grid gap-4 lg:grid-cols-2">
          <RecentOrders />
          <ActivityLog />
        </div>
      </main>
    </>
  );
}

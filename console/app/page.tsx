import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { getConsole } from '../src/server/context';
import { isOperator, TOKEN_COOKIE } from '../src/server/http';
import { ActivityLog } from '../src/ui/activity/ActivityLog';
import { BurstCard } from '../src/ui/bursts/BurstCard';
import { FaultCard } from '../src/ui/fault/FaultCard';
import { Header } from '../src/ui/Header';
import { OrderCard } from '../src/ui/orders/OrderCard';
import { RecentOrders } from '../src/ui/orders/RecentOrders';
import { ServiceMap } from '../src/ui/signals/ServiceMap';
import { SignalsPanel } from '../src/ui/signals/SignalsPanel';
import { SloCard } from '../src/ui/signals/SloCard';
import { StatusStrip } from '../src/ui/status/StatusStrip';

export const dynamic = 'force-dynamic';

/** The presenter's cockpit. */
export default async function Cockpit() {
  const token = getConsole().config.operatorToken;
  const cookie = (await cookies()).get(TOKEN_COOKIE)?.value;
  if (
    token &&
    !isOperator(
      new Request('http://console/', { headers: cookie ? { cookie: `${TOKEN_COOKIE}=${cookie}` } : {} }),
      token,
    )
  )
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

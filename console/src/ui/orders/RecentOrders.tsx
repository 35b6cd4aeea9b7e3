'use client';

import { Card, formatTime } from '../common/Card';
import { LiveNotice } from '../common/LiveNotice';
import { recentOrdersQuery } from '../api';
import { useLiveQuery } from '../live';

/** The newest orders, read back from MySQL through the Order API. */
export function RecentOrders() {
  const orders = useLiveQuery('orders', recentOrdersQuery);
  const { data } = orders;
  return (
    <Card title="Recent orders" testId="recent-orders">
      <LiveNotice topic="orders" query={orders} testId="orders-stale" />
      <table className="w-full text-left text-xs">
        <thead className="text-slate-500">
          <tr>
            <th className="py-1">Time</th>
            <th>Order</th>
            <th>Customer</th>
            <th className="text-right">Items</th>
            <th className="text-right">Total</th>
          </tr>
        </thead>
        <tbody>
          {data?.orders.map((order) => (
            <tr key={order.order_id} className="border-t border-slate-100" data-testid="recent-order">
              <td className="py-1 text-slate-500">{formatTime(order.created_at)}</td>
              <td className="max-w-[9rem] truncate font-mono" title={order.order_id}>
                {order.order_id}
              </td>
              <td className="max-w-[9rem] truncate">{order.customer_name}</td>
              <td className="text-right">{order.item_count}</td>
              <td className="text-right">{order.total_amount}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {data && data.orders.length === 0 && <p className="text-xs text-slate-500">No orders yet.</p>}
    </Card>
  );
}

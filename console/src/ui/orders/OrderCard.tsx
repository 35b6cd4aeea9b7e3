'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { FieldError } from '@demo/contracts';
import type { SubmitResult } from '../../shared/orders';
import { Card } from '../common/Card';
import { FormField, INPUT_CLASS } from '../common/FormField';
import { postJson } from '../api';
import {
  answerText,
  draftFromOrder,
  EMPTY_DRAFT,
  EMPTY_ITEM,
  toOrderRequest,
  type ItemDraft,
  type OrderDraft,
} from './order-draft';

/** The contracts (and zod with them) load on first use, not with the page (the first-load budget). */
const loadContracts = () => import('@demo/contracts');

async function fromSample(): Promise<OrderDraft> {
  const { sampleOrder } = await loadContracts();
  return draftFromOrder(sampleOrder());
}

/** Submit one order through the console (validated with the shared contract first) and see the answer. */
export function OrderCard() {
  const [draft, setDraft] = useState<OrderDraft>(EMPTY_DRAFT);
  const [errors, setErrors] = useState<FieldError[]>([]);
  // Fetched once the page is up, so that Fill and Submit never wait on it: a Submit clicked while
  // the first Fill was still loading it used to validate the empty form, and the Fill then wiped
  // the errors, so nothing was sent and nothing said why.
  useEffect(() => void loadContracts(), []);
  const queryClient = useQueryClient();
  const submit = useMutation({
    mutationFn: (order: Record<string, unknown>) => postJson<SubmitResult>('/api/orders', order),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['orders'] }),
  });

  const fieldError = (field: string) => errors.find((e) => e.field === field)?.message;
  const onSubmit = async (event: React.FormEvent) => {
    event.preventDefault();
    const request = toOrderRequest(draft);
    // The same contract the Order API validates with, checked before anything is sent.
    const { OrderRequestSchema, toFieldErrors } = await loadContracts();
    const parsed = OrderRequestSchema.safeParse(request);
    setErrors(parsed.success ? [] : toFieldErrors(parsed.error.issues));
    if (parsed.success) submit.mutate(request);
  };
  const setItem = (index: number, patch: Partial<ItemDraft>) =>
    setDraft((d) => ({ ...d, items: d.items.map((item, i) => (i === index ? { ...item, ...patch } : item)) }));
  const input = INPUT_CLASS;
  const result = submit.data;
  const body = result && typeof result.body === 'object' ? (result.body as Record<string, unknown>) : undefined;
  const text = answerText;

  return (
    <Card
      title="Order"
      testId="order-card"
      actions={
        <button
          type="button"
          className="text-xs text-blue-700 hover:underline"
          onClick={() => void fromSample().then((sample) => (setDraft(sample), setErrors([])))}
          data-testid="fill-sample"
        >
          Fill with sample data
        </button>
      }
    >
      <form onSubmit={(event) => void onSubmit(event)} className="grid gap-2" noValidate>
        <FormField
          label="Customer name"
          name="customer_name"
          value={draft.customer_name}
          onChange={(customer_name) => setDraft({ ...draft, customer_name })}
          error={fieldError('customer_name')}
        />
        <FormField
          label="Shipping address"
          name="shipping_address"
          value={draft.shipping_address}
          onChange={(shipping_address) => setDraft({ ...draft, shipping_address })}
          error={fieldError('shipping_address')}
        />
        <div className="grid grid-cols-2 gap-2">
          <FormField
            label="Order id (optional)"
            name="order_id"
            value={draft.order_id}
            onChange={(order_id) => setDraft({ ...draft, order_id })}
            placeholder="ORD-… generated"
            error={fieldError('order_id')}
          />
          <FormField
            label="Total (optional)"
            name="total_amount"
            value={draft.total_amount}
            onChange={(total_amount) => setDraft({ ...draft, total_amount })}
            placeholder="computed"
            error={fieldError('total_amount')}
          />
        </div>
        <div className="grid gap-1">
          <span className="text-xs text-slate-600">Items</span>
          {draft.items.map((item, i) => (
            <div key={i} className="grid grid-cols-[2fr_1fr_1fr_auto] gap-1">
              <input
                className={input}
                placeholder="product id"
                value={item.product_id}
                onChange={(e) => setItem(i, { product_id: e.target.value })}
                aria-label={`item ${i + 1} product`}
              />
              <input
                className={input}
                placeholder="qty"
                value={item.quantity}
                onChange={(e) => setItem(i, { quantity: e.target.value })}
                aria-label={`item ${i + 1} quantity`}
              />
              <input
                className={input}
                placeholder="price"
                value={item.price}
                onChange={(e) => setItem(i, { price: e.target.value })}
                aria-label={`item ${i + 1} price`}
              />
              <button
                type="button"
                className="px-2 text-slate-400 hover:text-red-700"
                onClick={() => setDraft({ ...draft, items: draft.items.filter((_, j) => j !== i) })}
                aria-label={`remove item ${i + 1}`}
              >
                ×
              </button>
              {errors
                .filter((e) => e.field.startsWith(`items.${i}.`))
                .map((e) => (
                  <span key={e.field} className="col-span-4 text-xs text-red-700">
                    {e.field.split('.').at(-1)}: {e.message}
                  </span>
                ))}
            </div>
          ))}
          {fieldError('items') && <span className="text-xs text-red-700">{fieldError('items')}</span>}
          <button
            type="button"
            className="justify-self-start text-xs text-blue-700 hover:underline"
            onClick={() => setDraft({ ...draft, items: [...draft.items, EMPTY_ITEM] })}
          >
            + item
          </button>
        </div>
        <button
          type="submit"
          disabled={submit.isPending}
          className="mt-1 rounded bg-blue-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-blue-700 disabled:opacity-50"
          data-testid="submit-order"
        >
          {submit.isPending ? 'Sending…' : 'Submit order'}
        </button>
      </form>
      {submit.error && <p className="mt-2 text-sm text-red-700">{submit.error.message}</p>}
      {result && (
        <dl
          className="mt-3 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 rounded bg-slate-50 p-2 text-xs"
          data-testid="order-result"
        >
          <dt className="text-slate-500">Status</dt>
          <dd className={result.status === 200 ? 'text-emerald-700' : 'text-red-700'} data-testid="order-status">
            {result.status}
          </dd>
          <dt className="text-slate-500">Latency</dt>
          <dd>{result.latencyMs} ms</dd>
          <dt className="text-slate-500">Order id</dt>
          <dd data-testid="order-id">{text(body?.order_id)}</dd>
          <dt className="text-slate-500">Trace id</dt>
          <dd className="font-mono" data-testid="trace-id">
            {text(body?.trace_id)}
          </dd>
          {result.status !== 200 && (
            <>
              <dt className="text-slate-500">Error</dt>
              <dd>{text(body?.error ?? result.body)}</dd>
            </>
          )}
        </dl>
      )}
    </Card>
  );
}

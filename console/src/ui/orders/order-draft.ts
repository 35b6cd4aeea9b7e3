/** The order form's state: every field as typed (text), turned into the Order API's JSON on submit. */
export interface ItemDraft {
  product_id: string;
  quantity: string;
  price: string;
}

export interface OrderDraft {
  order_id: string;
  customer_name: string;
  shipping_address: string;
  total_amount: string;
  items: ItemDraft[];
}

export const EMPTY_ITEM: ItemDraft = { product_id: '', quantity: '1', price: '' };

export const EMPTY_DRAFT: OrderDraft = {
  order_id: '',
  customer_name: '',
  shipping_address: '',
  total_amount: '',
  items: [EMPTY_ITEM],
};

/**
 * The draft as the Order API's JSON: empty optional fields left out, numbers as numbers. Text
 * that is not a number stays text, so the contract (not this function) says what is wrong with it.
 */
export function toOrderRequest(draft: OrderDraft): Record<string, unknown> {
  const number = (text: string) => (text.trim() === '' || Number.isNaN(Number(text)) ? text : Number(text));
  return {
    ...(draft.order_id.trim() ? { order_id: draft.order_id } : {}),
    customer_name: draft.customer_name,
    items: draft.items.map((item) => ({
      product_id: item.product_id,
      quantity: number(item.quantity),
      price: number(item.price),
    })),
    ...(draft.total_amount.trim() ? { total_amount: number(draft.total_amount) } : {}),
    shipping_address: draft.shipping_address,
  };
}

/** A valid order (from the contracts' sample generator) as a draft to edit. */
export function draftFromOrder(order: {
  customer_name: string;
  shipping_address: string;
  items: { product_id: string; quantity: number; price: number | string }[];
}): OrderDraft {
  return {
    order_id: '',
    customer_name: order.customer_name,
    shipping_address: order.shipping_address,
    total_amount: '',
    items: order.items.map((item) => ({
      product_id: item.product_id,
      quantity: String(item.quantity),
      price: String(item.price),
    })),
  };
}

/** Text for one field of the Order API's answer. */
export function answerText(value: unknown): string {
  if (typeof value === 'string') return value;
  return value === undefined || value === null ? '—' : JSON.stringify(value);
}

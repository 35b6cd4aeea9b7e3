import type { OrderRequest } from './order';

/**
 * Realistic orders in the mix of the original traffic generator: a "First Last" customer, 1-4
 * distinct products of 10, quantity 1-3, prices rounded to cents, one of 10 addresses, and the
 * total computed from the items. The name and address lists are ours.
 */

/** A source of numbers in [0, 1); pass a seeded one for repeatable orders. */
export type Random = () => number;

const FIRST_NAMES = [
  'Alice',
  'Bob',
  'Carmen',
  'David',
  'Elena',
  'Farid',
  'Grace',
  'Hiro',
  'Ines',
  'Jamal',
  'Kofi',
  'Lena',
  'Mateo',
  'Nadia',
  'Oscar',
  'Priya',
  'Quinn',
  'Rosa',
  'Sven',
  'Tariq',
  'Uma',
  'Victor',
  'Wei',
  'Ximena',
  'Yusuf',
  'Zoe',
  'Amara',
  'Bruno',
  'Chloé',
  'Dmitri',
  'Eun-ji',
  'Fatima',
  'Gustavo',
  'Hana',
];
const LAST_NAMES = [
  'Smith',
  'Okafor',
  'García',
  'Nguyen',
  'Müller',
  'Rossi',
  'Kowalski',
  'Tanaka',
  'Silva',
  "O'Brien",
  'Haddad',
  'Johansson',
  'Kim',
  'Patel',
  'Dubois',
  'Novak',
  'Fernández',
  'Ivanova',
  'Mensah',
  'Lindqvist',
  'Costa',
  'Yilmaz',
  'Papadopoulos',
  'Chen',
  'Schmidt',
  'Moreau',
  'Andersen',
  'Sato',
  'Mbeki',
  'Reyes',
  'Horvat',
  'Ali',
  'Murphy',
  'Zhang',
];
export const SAMPLE_PRODUCTS: readonly { id: string; minPrice: number; maxPrice: number }[] = [
  { id: 'LAPTOP-001', minPrice: 799, maxPrice: 1999 },
  { id: 'PHONE-001', minPrice: 399, maxPrice: 1199 },
  { id: 'TABLET-001', minPrice: 249, maxPrice: 899 },
  { id: 'HEADPHONES-001', minPrice: 49, maxPrice: 349 },
  { id: 'KEYBOARD-001', minPrice: 29, maxPrice: 199 },
  { id: 'MOUSE-001', minPrice: 9.99, maxPrice: 99 },
  { id: 'CAMERA-001', minPrice: 299, maxPrice: 2499 },
  { id: 'WATCH-001', minPrice: 149, maxPrice: 799 },
  { id: 'SPEAKER-001', minPrice: 39, maxPrice: 499 },
  { id: 'MONITOR-001', minPrice: 129, maxPrice: 1299 },
];
const ADDRESSES = [
  '123 Main Street, Springfield, IL 62701',
  '456 Oak Avenue, Portland, OR 97205',
  '789 Pine Road, Austin, TX 78701',
  '12 Harbour View, Seattle, WA 98101',
  '350 Fifth Avenue, New York, NY 10118',
  '1600 Amphitheatre Way, Denver, CO 80202',
  '77 Mass Ave, Cambridge, MA 02139',
  '221B Baker Street, London NW1 6XE',
  'Kurfürstendamm 21, 10719 Berlin',
  '8 Rue de Rivoli, 75004 Paris',
];

function pick<T>(list: readonly T[], random: Random): T {
  return list[Math.floor(random() * list.length)] as T;
}

function intBetween(min: number, max: number, random: Random): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** A valid order. Without `orderId` none is sent, so the Order API generates one. */
export function sampleOrder(random: Random = Math.random, orderId?: string): OrderRequest {
  const products = [...SAMPLE_PRODUCTS];
  const count = intBetween(1, 4, random);
  const items = [];
  let totalCents = 0;
  for (let i = 0; i < count; i++) {
    const [product] = products.splice(Math.floor(random() * products.length), 1);
    if (!product) break;
    const cents = Math.round((product.minPrice + random() * (product.maxPrice - product.minPrice)) * 100);
    const quantity = intBetween(1, 3, random);
    totalCents += cents * quantity;
    items.push({ product_id: product.id, quantity, price: cents / 100 });
  }
  return {
    ...(orderId === undefined ? {} : { order_id: orderId }),
    customer_name: `${pick(FIRST_NAMES, random)} ${pick(LAST_NAMES, random)}`,
    items,
    total_amount: totalCents / 100,
    shipping_address: pick(ADDRESSES, random),
  };
}

/**
 * An order the Order API must refuse with 422, one of several realistic mistakes, so that bursts
 * can show the Error metric (4xx) beside Faults (5xx).
 */
export function invalidSampleOrder(random: Random = Math.random): Record<string, unknown> {
  const order = sampleOrder(random) as Record<string, unknown>;
  const mistakes: ((o: Record<string, unknown>) => void)[] = [
    (o) => {
      o.customer_name = 'R2-D2 <script>';
    },
    (o) => {
      o.items = [];
    },
    (o) => {
      o.shipping_address = 'short';
    },
    (o) => {
      o.items = [{ product_id: 'LAPTOP-001', quantity: 0, price: 999 }];
    },
    (o) => {
      o.total_amount = -5;
    },
    (o) => {
      delete o.customer_name;
    },
  ];
  pick(mistakes, random)(order);
  return order;
}

/** A small fast seeded random source (mulberry32) for repeatable tests and benches. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

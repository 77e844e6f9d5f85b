import type { Db } from '../platform/db';
import { newId } from '../platform/ids';
import type { Channel } from '../contracts/vocabulary';
import type { NewOrder, NewOrderLine, NewPayment } from '../contracts/orders';
import { insertPreparedOrders, prepareOrder, type PreparedOrder } from '../subgraphs/orders/store';
import { applyRate, orderTotals } from '../subgraphs/orders/domain/totals';
import { allocate } from '../platform/money';
import { DEMO_MARKETPLACE_PARTNERS, DEMO_PRODUCTS, DEMO_STORES, type DemoProduct } from './catalog';
import { SeededRandom } from './random';

/** How many demo orders there are: enough to page through and to report on, small enough to seed in a second. */
export const DEMO_ORDER_COUNT = 1000;
/** Demo customers are `cus_demo_0001` .. `cus_demo_0200`. */
export const DEMO_CUSTOMER_COUNT = 200;
/** The customer demos log in as; gets an order every `FEATURED_CUSTOMER_EVERY` orders so it always has several. */
export const DEMO_FEATURED_CUSTOMER = 'cus_demo_0001';
const FEATURED_CUSTOMER_EVERY = 83;
/** Demo orders are numbered from here: R100001 is the oldest, R101000 the newest. */
export const DEMO_FIRST_NUMBER = 100001;
/** The `source` of demo orders; their external ids are `demo-<number>`. */
export const DEMO_SOURCE = 'demo';
/** Orders are spread over this many days before the anchor: longer than any return window, so demos show both in- and out-of-window orders. */
export const DEMO_HISTORY_DAYS = 120;
/** A fixed anchor for reproducible output in docs and tests that do not care about "now". */
export const DEMO_ANCHOR = new Date('2026-11-01T00:00:00.000Z');
/** The PRNG seed; change it and every demo order changes. */
const DEMO_SEED = 20261101;
/** Ids embed this time (plus the order index), not the placement time, so ids stay the same whatever the anchor. */
const DEMO_ID_EPOCH = Date.UTC(2025, 0, 1);
/** Sales tax in basis points (~8% like most US cities), per store; shipped orders use the default. */
const TAX_BPS: Record<string, number> = { loc_store_nyc: 888, loc_store_sfo: 863, loc_store_chi: 1025, loc_store_aus: 825 };
const DEFAULT_TAX_BPS = 800;
/** Standard shipping is free from this subtotal (cents), as on most web shops. */
const FREE_SHIPPING_FROM_MINOR = 10000;
const STANDARD_SHIPPING_MINOR = 595;
const EXPRESS_SHIPPING_MINOR = 1495;
/** Delivery takes 2 to 6 days for shipped orders. */
const MIN_DELIVERY_DAYS = 2;
const MAX_DELIVERY_DAYS = 6;
const DAY_MS = 24 * 60 * 60 * 1000;
const FIRST_NAMES = ['Ada', 'Ben', 'Chloe', 'Diego', 'Emma', 'Farah', 'Gus', 'Hana', 'Ivan', 'Jade', 'Kofi', 'Lena', 'Mateo', 'Nora', 'Omar', 'Priya'];
const LAST_NAMES = ['Nguyen', 'Smith', 'Garcia', 'Okafor', 'Kim', 'Rossi', 'Cohen', 'Patel', 'Silva', 'Müller', 'Haddad', 'Jensen'];

/** Options of the generator. */
export interface DemoOrderOptions {
  /** Orders are placed in the `DEMO_HISTORY_DAYS` before this instant; default `DEMO_ANCHOR`. */
  anchor?: Date;
}

/** The order number of the demo order at `index` (0-based), e.g. `R100001`. */
export function demoOrderNumber(index: number): string {
  return `R${DEMO_FIRST_NUMBER + index}`;
}

/** The customer id for a 1-based number, e.g. `cus_demo_0001`. */
export function demoCustomerId(n: number): string {
  return `cus_demo_${String(n).padStart(4, '0')}`;
}

/**
 * Generates the demo orders, deterministically: the same anchor gives the same orders, and ids,
 * numbers, customers, lines and amounts do not depend on the anchor at all (only the dates do).
 * Oldest first, so numbers rise with placement time.
 */
export function generateDemoOrders(options: DemoOrderOptions = {}): PreparedOrder[] {
  const anchor = (options.anchor ?? DEMO_ANCHOR).getTime();
  const random = new SeededRandom(DEMO_SEED);
  const ids = new SeededRandom(DEMO_SEED ^ 0x5bd1e995);
  const spacing = (DEMO_HISTORY_DAYS * DAY_MS) / DEMO_ORDER_COUNT;
  const orders: PreparedOrder[] = [];
  for (let index = 0; index < DEMO_ORDER_COUNT; index++) {
    const placedAt = new Date(Math.floor(anchor - DEMO_HISTORY_DAYS * DAY_MS + index * spacing + random.next() * spacing * 0.9));
    const order = demoOrder(random, index, placedAt, anchor);
    const idTime = DEMO_ID_EPOCH + index;
    orders.push(
      prepareOrder(order, {
        orderId: newId('ord', idTime, ids.bytes(10)),
        number: demoOrderNumber(index),
        lineId: () => newId('oli', idTime, ids.bytes(10)),
        paymentId: () => newId('pay', idTime, ids.bytes(10)),
      }),
    );
  }
  return orders;
}

function demoOrder(random: SeededRandom, index: number, placedAt: Date, anchor: number): NewOrder {
  const number = demoOrderNumber(index);
  const channel = random.weighted<Channel>({ ECOMMERCE: 45, MOBILE: 20, POS: 25, MARKETPLACE: 10 });
  const customerNumber = index % FEATURED_CUSTOMER_EVERY === 0 ? 1 : random.int(1, DEMO_CUSTOMER_COUNT);
  const shipped = channel !== 'POS';
  const storeId = demoStoreId(random, channel);
  const taxBps = channel === 'POS' && storeId ? (TAX_BPS[storeId] ?? DEFAULT_TAX_BPS) : DEFAULT_TAX_BPS;
  const lines = demoLines(random, taxBps);
  const shipping = shipped ? demoShipping(random, orderTotals(lines, null).subtotalMinor, taxBps) : null;
  const deliveredAt = demoDeliveredAt(random, shipped, placedAt, anchor);
  const total = orderTotals(lines, shipping).totalMinor;
  return {
    source: DEMO_SOURCE,
    externalId: `demo-${number}`,
    channel,
    storeId,
    marketplacePartnerId: channel === 'MARKETPLACE' ? random.pick(DEMO_MARKETPLACE_PARTNERS).id : null,
    customerId: demoCustomerId(customerNumber),
    customerEmail: `customer${String(customerNumber).padStart(4, '0')}@example.com`,
    customerName: `${FIRST_NAMES[customerNumber % FIRST_NAMES.length]} ${LAST_NAMES[customerNumber % LAST_NAMES.length]}`,
    placedAt,
    deliveredAt,
    currency: 'USD',
    shipping,
    lines,
    payments: demoPayments(random, channel, number, total, placedAt),
  };
}

// The helpers below draw from `random` in the order demoOrder calls them; keep that order, or
// every demo order after the change is a different one.

/** A POS order is placed in a store; about one shipped order in ten carries a store as well. */
function demoStoreId(random: SeededRandom, channel: Channel): string | null {
  if (channel === 'POS') return random.pick(DEMO_STORES).id;
  return random.chance(0.1) ? random.pick(DEMO_STORES).id : null;
}

/** Express one time in five; standard shipping is free from `FREE_SHIPPING_FROM_MINOR`. */
function demoShipping(random: SeededRandom, subtotalMinor: number, taxBps: number): NonNullable<NewOrder['shipping']> {
  const express = random.chance(0.2);
  const amount = express ? EXPRESS_SHIPPING_MINOR : subtotalMinor >= FREE_SHIPPING_FROM_MINOR ? 0 : STANDARD_SHIPPING_MINOR;
  return { method: express ? 'Express' : 'Standard', amountMinor: amount, taxMinor: applyRate(amount, taxBps) };
}

/** A shipped order arrives some days after placement, a store order at once; null while still on its way at `anchor`. */
function demoDeliveredAt(random: SeededRandom, shipped: boolean, placedAt: Date, anchor: number): Date | null {
  const delivered = shipped ? placedAt.getTime() + random.int(MIN_DELIVERY_DAYS, MAX_DELIVERY_DAYS) * DAY_MS + random.int(0, DAY_MS / 2) : placedAt.getTime();
  return delivered <= anchor ? new Date(delivered) : null;
}

/** 1–4 distinct products; sometimes an order-level discount, allocated to lines by largest remainder; tax per line. */
function demoLines(random: SeededRandom, taxBps: number): NewOrderLine[] {
  const count = random.weighted({ 1: 40, 2: 30, 3: 20, 4: 10 });
  const products: DemoProduct[] = [];
  while (products.length < Number(count)) {
    const product = random.pick(DEMO_PRODUCTS);
    if (!products.includes(product)) products.push(product);
  }
  const quantities = products.map(() => Number(random.weighted({ 1: 80, 2: 15, 3: 5 })));
  const gross = products.map((product, i) => product.priceMinor * (quantities[i] ?? 1));
  const discountPercent = random.chance(0.25) ? random.pick([10, 15, 20]) : 0;
  const orderDiscount = Math.floor((gross.reduce((a, b) => a + b, 0) * discountPercent) / 100);
  const discounts = allocate(orderDiscount, gross);
  return products.map((product, i) => {
    const discountMinor = discounts[i] ?? 0;
    return {
      sku: product.sku,
      title: product.title,
      category: product.category,
      quantity: quantities[i] ?? 1,
      unitPriceMinor: product.priceMinor,
      discountMinor,
      taxMinor: applyRate((gross[i] ?? 0) - discountMinor, taxBps),
      finalSale: product.finalSale,
    };
  });
}

/** Payments that capture exactly the total: card (Stripe or Adyen) or PayPal, sometimes part gift card, cash at some POS sales. */
function demoPayments(random: SeededRandom, channel: Channel, number: string, total: number, capturedAt: Date): NewPayment[] {
  if (channel === 'MARKETPLACE') {
    return [{ provider: 'marketplace', providerReference: `mkp-${number}`, method: 'CARD', capturedMinor: total, capturedAt }];
  }
  if (channel === 'POS' && random.chance(0.3)) {
    return [{ provider: 'cash', providerReference: `cash-${number}`, method: 'CASH', capturedMinor: total, capturedAt }];
  }
  const payments: NewPayment[] = [];
  let left = total;
  if (random.chance(0.15)) {
    const giftCard = Math.min(left, random.int(1, 5) * 1000);
    payments.push({ provider: 'gift_card', providerReference: `gc-${number}`, method: 'GIFT_CARD', capturedMinor: giftCard, capturedAt });
    left -= giftCard;
  }
  if (left > 0 || payments.length === 0) {
    if (channel !== 'POS' && random.chance(0.1)) {
      payments.push({ provider: 'paypal', providerReference: `pp-${number}`, method: 'PAYPAL', capturedMinor: left, capturedAt });
    } else {
      const provider = random.chance(0.5) ? 'stripe' : 'adyen';
      payments.push({ provider, providerReference: `${provider === 'stripe' ? 'ch' : 'psp'}_demo_${number}`, method: 'CARD', capturedMinor: left, capturedAt });
    }
  }
  return payments;
}

/** Start of the current UTC day: the default anchor of `seedDemoOrders`, so a same-day restart seeds nothing new and dates stay recent. */
export function startOfUtcDay(now: Date = new Date()): Date {
  return new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS);
}

/**
 * Inserts the demo orders in one transaction with multi-row INSERTs, then moves the order number
 * sequence past them so live orders never collide. Does nothing when demo orders already exist.
 * Meant for an empty orders schema (the embedded default at first start); returns how many
 * orders it inserted. Default anchor: the start of today (UTC), so return windows are live.
 */
export async function seedDemoOrders(db: Db, options: DemoOrderOptions = {}): Promise<number> {
  const { rows } = await db.query(`SELECT 1 FROM orders.orders WHERE source = $1 LIMIT 1`, [DEMO_SOURCE]);
  if (rows.length > 0) return 0;
  const orders = generateDemoOrders({ anchor: options.anchor ?? startOfUtcDay() });
  return db.transaction(async (tx) => {
    const inserted = await insertPreparedOrders(tx, orders, { onConflict: 'skip' });
    await tx.query(`SELECT setval('orders.order_number_seq', GREATEST((SELECT last_value FROM orders.order_number_seq), $1::bigint))`, [
      DEMO_FIRST_NUMBER + DEMO_ORDER_COUNT - 1,
    ]);
    return inserted;
  });
}

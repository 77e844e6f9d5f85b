import { FakeShopify, type SeedLine } from '../connectors/commerce/shopify/testing';
import { connectorOn } from '../connectors/commerce/shopify/testing/connector-kit';
import type { ShopifyConnector } from '../connectors/commerce/shopify';

/**
 * The fake Shopify stores of the commerce bench: a catalogue, two stores and a warehouse, and
 * orders of one to three lines, shipped and delivered, one in five a POS sale. Each store numbers
 * its records past the previous one's, so orders of different stores never share an id in the
 * one bench database.
 */

/** Shopify's leaky bucket: points held and restored per second. */
export interface Bucket {
  maximumAvailable: number;
  restoreRate: number;
}

/** Shopify Plus (and Advanced): ten times the standard plan's restore rate. */
export const PLUS_BUCKET: Bucket = { maximumAvailable: 20_000, restoreRate: 1_000 };
/** Shopify's standard plan, the fake's default. */
export const STANDARD_BUCKET: Bucket = { maximumAvailable: 2_000, restoreRate: 100 };

/** SKUs in the catalogue: enough that orders vary, few enough to backfill in one page. */
const CATALOGUE_SIZE = 40;
const PRODUCT_TYPES = ['Apparel', 'Home & Garden', 'Footwear', 'Accessories'];
/** Every fifth order is a POS sale at a store. */
const POS_EVERY = 5;

/** A fake store with its id range and a connector on it. */
export interface BenchShop {
  fake: FakeShopify;
  /** Reads the fake as `npm run backfill` would; Shopify's waits advance the fake's clock instead of ours (see `waitedMs`). */
  connector: ShopifyConnector;
  /** Numeric ids of the seeded orders, in seeding order. */
  orderIds: string[];
}

const skuOf = (n: number) => `SHP-BENCH-${String(n % CATALOGUE_SIZE).padStart(3, '0')}`;

/** The last numeric id `fake` handed out (it counts up from there). */
export function lastIdOf(fake: FakeShopify): number {
  return Number(fake.store.gid('Probe').split('/').pop());
}

/** Moves `fake`'s id counter past `after`: the store's counter only counts up. */
function numberPast(fake: FakeShopify, after: number): void {
  while (lastIdOf(fake) <= after);
}

/** One order's lines: 1–3 of them, of SKUs spread over the catalogue. */
function linesOf(i: number): SeedLine[] {
  return Array.from({ length: 1 + (i % 3) }, (_, k) => {
    const n = i * 7 + k * 13;
    return {
      sku: skuOf(n),
      quantity: 1 + ((i + k) % 2),
      price: `${20 + (n % CATALOGUE_SIZE)}.00`,
      tax: '1.60',
      productType: PRODUCT_TYPES[n % PRODUCT_TYPES.length],
    };
  });
}

/**
 * A fake Shopify with `bucket`, its catalogue, a warehouse and two stores, and `orders` orders
 * (every one fulfilled and delivered), numbered past `after`.
 */
export async function startBenchShop(bucket: Bucket, orders: number, after = 0): Promise<BenchShop> {
  const fake = await FakeShopify.start({ bucket });
  numberPast(fake, after);
  const warehouse = fake.seedLocation({ name: 'Bench DC', city: 'Newark' });
  const stores = [fake.seedLocation({ name: 'Bench SoHo', city: 'New York' }), fake.seedLocation({ name: 'Bench Mission', city: 'San Francisco' })];
  for (let n = 0; n < CATALOGUE_SIZE; n++) {
    fake.seedVariant({ sku: skuOf(n), productTitle: `Bench product ${n}`, productType: PRODUCT_TYPES[n % PRODUCT_TYPES.length] });
  }
  const orderIds: string[] = [];
  for (let i = 0; i < orders; i++) {
    const store = i % POS_EVERY === 0 ? stores[i % stores.length] : undefined;
    const order = fake.seedOrder({
      customer: { id: String(50_000 + i), name: `Bench Customer ${i}`, email: `bench${i}@example.com` },
      retailLocation: store?.legacyResourceId,
      lines: linesOf(i),
    });
    fake.fulfilOrder(order.id, { locationId: (store ?? warehouse).legacyResourceId, delivered: true });
    orderIds.push(order.legacyResourceId);
  }
  return { fake, connector: connectorOn(fake), orderIds };
}

/** Total of the connector's waits so far (budget, THROTTLED, 429, retries and bulk polls), in ms. */
export function waitedMs(connector: ShopifyConnector): number {
  return connector.client.stats.waits.reduce((sum, ms) => sum + ms, 0);
}

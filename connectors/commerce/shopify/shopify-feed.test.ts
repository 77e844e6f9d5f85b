import type { NewOrder } from '../../../contracts/orders';
import { orderCursorSince } from './shopify-feed';
import { ShopifyApiError, ShopifyUnavailableError, UnmappableShopifyOrderError } from './shopify-errors';
import { connectorOn } from './testing/connector-kit';
import { FakeShopify } from './testing/fake-shopify-server';

/** Reads the whole feed from `cursor`, `limit` at a time; the orders and the last cursor. */
async function drain(
  read: (cursor: string | null, limit: number) => Promise<{ items: NewOrder[]; cursor: string | null; hasMore: boolean }>,
  cursor: string | null,
  limit: number,
) {
  const orders: NewOrder[] = [];
  let at = cursor;
  for (let page = 0; page < 100; page++) {
    const result = await read(at, limit);
    orders.push(...result.items);
    at = result.cursor;
    if (!result.hasMore) break;
  }
  return { orders, cursor: at };
}

function seedOrders(fake: FakeShopify, count: number): string[] {
  return Array.from(
    { length: count },
    (_, i) => fake.seedOrder({ lines: [{ sku: `SKU-${i}`, price: '10.00', quantity: 1 + (i % 3), productType: 'Shoes' }] }).legacyResourceId,
  );
}

describe('ShopifyFeed against the fake Shopify', () => {
  let fake: FakeShopify;
  afterEach(async () => {
    await fake.stop();
  });

  it('pages through every order oldest change first and resumes from a saved cursor', async () => {
    fake = await FakeShopify.start();
    const ids = seedOrders(fake, 8);
    const feed = connectorOn(fake).feed;
    const first = await feed.changedOrders(null, 5);
    expect(first.items.map((o) => o.externalId)).toEqual(ids.slice(0, 5));
    expect(first.hasMore).toBe(true);
    // A new process resumes from the saved cursor alone.
    const rest = await drain((c, l) => connectorOn(fake).feed.changedOrders(c, l), first.cursor, 5);
    expect(rest.orders.map((o) => o.externalId)).toEqual(ids.slice(5));
    // Nothing changed: an empty page, the same cursor.
    const idle = await feed.changedOrders(rest.cursor, 5);
    expect(idle).toEqual({ items: [], cursor: rest.cursor, hasMore: false });
    // An order changed later sorts after the cursor and is read again.
    fake.cancelOrder(ids[1] as string);
    const again = await feed.changedOrders(rest.cursor, 5);
    expect(again.items.map((o) => [o.externalId, o.cancelledAt instanceof Date])).toEqual([[ids[1], true]]);
  });

  it('starts at a time with orderCursorSince', async () => {
    fake = await FakeShopify.start();
    const [old] = seedOrders(fake, 1);
    fake.advance(60_000);
    // Shopify's timestamps are whole seconds.
    const since = new Date(Math.floor(fake.now() / 1000) * 1000);
    const recent = seedOrders(fake, 2);
    const { orders } = await drain((c, l) => connectorOn(fake).feed.changedOrders(c, l), orderCursorSince(since), 10);
    expect(orders.map((o) => o.externalId)).toEqual(recent);
    expect(orders.map((o) => o.externalId)).not.toContain(old);
  });

  it('refuses a cursor that is not its own', async () => {
    fake = await FakeShopify.start();
    await expect(connectorOn(fake).feed.changedOrders('demo-cursor-42', 5)).rejects.toThrow(RangeError);
  });

  it('reads every line of an order longer than one page of lines', async () => {
    fake = await FakeShopify.start();
    const lines = Array.from({ length: 60 }, (_, i) => ({ sku: `L-${i}`, price: '1.00' }));
    fake.seedOrder({ lines });
    const { items } = await connectorOn(fake).feed.changedOrders(null, 10);
    expect(items[0]?.lines.map((l) => l.sku)).toEqual(lines.map((l) => l.sku));
  });

  it('waits out throttling with a tiny bucket and never drops a page', async () => {
    // Frozen clock: only the client's waits restore the bucket, so a slow run cannot refill it between pages.
    fake = await FakeShopify.start({ bucket: { maximumAvailable: 1000, restoreRate: 50 }, frozenClock: true });
    const ids = seedOrders(fake, 12);
    const connector = connectorOn(fake);
    const { orders } = await drain((c, l) => connector.feed.changedOrders(c, l), null, 4);
    expect(orders.map((o) => o.externalId)).toEqual(ids);
    expect(fake.throttledCount).toBeGreaterThan(0);
    expect(connector.client.stats.throttled).toBe(fake.throttledCount);
    // After the first THROTTLED answer the client knows the price and waits before sending instead.
    expect(connector.client.stats.waits.length).toBeGreaterThan(fake.throttledCount);
  });

  it('waits the Retry-After of a 429 and then succeeds', async () => {
    fake = await FakeShopify.start();
    seedOrders(fake, 2);
    fake.rateLimitNext(2, 3);
    const connector = connectorOn(fake);
    const { items } = await connector.feed.changedOrders(null, 5);
    expect(items).toHaveLength(2);
    expect(connector.client.stats.rateLimited).toBe(2);
    expect(connector.client.stats.waits.slice(0, 2)).toEqual([3000, 3000]);
  });

  it('retries a 503 with backoff, then gives up after the bounded attempts', async () => {
    fake = await FakeShopify.start();
    seedOrders(fake, 1);
    fake.failNext(2);
    const connector = connectorOn(fake, { maxAttempts: 3 });
    expect((await connector.feed.changedOrders(null, 5)).items).toHaveLength(1);
    expect(connector.client.stats.retried).toBe(2);
    fake.failNext(3);
    await expect(connector.feed.changedOrders(null, 5)).rejects.toThrow(ShopifyUnavailableError);
  });

  it('fails at once on a wrong access token', async () => {
    fake = await FakeShopify.start();
    const connector = connectorOn(fake, { accessToken: 'shpat_wrong_token_000' });
    await expect(connector.feed.changedOrders(null, 5)).rejects.toMatchObject({ name: 'ShopifyApiError', status: 401 });
    expect(ShopifyApiError).toBeDefined();
  });

  it('names an order it cannot map and the cursor past it', async () => {
    fake = await FakeShopify.start();
    const [good] = seedOrders(fake, 1);
    const tipOnly = fake.seedOrder({ lines: [{ sku: null, title: 'Tip', price: '2.00' }] });
    const [after] = seedOrders(fake, 1);
    const feed = connectorOn(fake).feed;
    const error = (await feed.changedOrders(null, 10).catch((e: unknown) => e)) as UnmappableShopifyOrderError;
    expect(error).toBeInstanceOf(UnmappableShopifyOrderError);
    expect(error).toMatchObject({ orderId: tipOnly.id, reason: 'NO_SKU_LINES' });
    const resumed = await feed.changedOrders(error.cursor, 10);
    expect(resumed.items.map((o) => o.externalId)).toEqual([after]);
    expect(good).toBeDefined();
  });

  it('lists locations and product variants, skipping and counting variants without a SKU', async () => {
    fake = await FakeShopify.start();
    const store = fake.seedLocation({ name: 'SoHo', city: 'New York' });
    const threePl = fake.seedLocation({ name: 'ShipBob', city: null, isFulfillmentService: true });
    fake.seedVariant({ sku: 'TEE-M', title: 'M', productTitle: 'Tee', productType: 'Home & Garden' });
    fake.seedVariant({ sku: null, productTitle: 'Gift wrap' });
    fake.seedVariant({ sku: 'MUG', productTitle: 'Mug' });
    const feed = connectorOn(fake).feed;
    const locations = await feed.locations(null, 10);
    expect(locations.items).toEqual([
      { externalId: store.id, locationId: `loc_shp_${store.legacyResourceId}`, name: 'SoHo', kind: 'STORE', city: 'New York' },
      { externalId: threePl.id, locationId: `loc_shp_${threePl.legacyResourceId}`, name: 'ShipBob', kind: 'WAREHOUSE', city: null },
    ]);
    const first = await feed.products(null, 2);
    const second = await feed.products(first.cursor, 2);
    expect([...first.items, ...second.items].map((p) => [p.sku, p.title, p.category])).toEqual([
      ['TEE-M', 'Tee - M', 'home_garden'],
      ['MUG', 'Mug', 'general'],
    ]);
    expect(second.hasMore).toBe(false);
    expect(feed.variantsWithoutSku).toBe(1);
  });
});

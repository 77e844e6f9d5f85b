import type { NewOrder } from '../../../contracts/orders';
import { UnmappableShopifyOrderError } from './shopify-errors';
import { connectorOn } from './testing/connector-kit';
import { FakeShopify } from './testing/fake-shopify-server';

async function collect(batches: AsyncIterable<NewOrder[]>): Promise<NewOrder[][]> {
  const out: NewOrder[][] = [];
  for await (const batch of batches) out.push(batch);
  return out;
}

describe('bulk backfill against the fake Shopify', () => {
  let fake: FakeShopify;
  beforeEach(async () => {
    fake = await FakeShopify.start();
  });
  afterEach(async () => {
    await fake.stop();
  });

  it('yields the same orders as paging, rebuilt from __parentId lines', async () => {
    const store = fake.seedLocation({ name: 'SoHo' });
    for (let i = 0; i < 7; i++) {
      fake.seedOrder({
        lines: Array.from({ length: 1 + (i % 4) }, (_, j) => ({
          sku: `SKU-${i}-${j}`,
          price: `${j + 1}.25`,
          tax: '0.10',
          discount: j === 0 ? '0.25' : undefined,
        })),
        shipping: i % 2 ? [{ title: 'Express', price: '9.00', tax: '0.90' }] : [],
        ...(i === 3 && { retailLocation: store.legacyResourceId }),
      });
    }
    fake.fulfilOrder(fake.store.orders[0]!.legacyResourceId, { delivered: true });
    const connector = connectorOn(fake);
    const paged: NewOrder[] = [];
    let cursor: string | null = null;
    for (;;) {
      const page = await connector.feed.changedOrders(cursor, 3);
      paged.push(...page.items);
      cursor = page.cursor;
      if (!page.hasMore) break;
    }
    const batches = await collect(connector.bulkOrders());
    const bulk = batches.flat();
    const byId = (orders: NewOrder[]) => [...orders].sort((a, b) => a.externalId.localeCompare(b.externalId));
    expect(byId(bulk)).toEqual(byId(paged));
    expect(bulk).toHaveLength(7);
    // The client polled at least once before the export was ready, and downloaded it.
    expect(fake.requests.filter((r) => r.operationName === 'BulkStatus').length).toBeGreaterThanOrEqual(2);
    // (Paging spent the bucket, so the start may have been THROTTLED and retried: one distinct mutation.)
    expect(new Set(fake.mutationNames())).toEqual(new Set(['bulkOperationRunQuery']));
    expect(fake.store.bulkOperations).toHaveLength(1);
  });

  it('yields nothing for an empty store', async () => {
    expect(await collect(connectorOn(fake).bulkOrders())).toEqual([]);
  });

  it('hands orders it cannot map to onUnmappable and goes on', async () => {
    fake.seedOrder({ lines: [{ sku: 'A', price: '1.00' }] });
    const giftCardOnly = fake.seedOrder({ lines: [{ sku: null, title: 'Gift card', price: '25.00' }] });
    const skipped: UnmappableShopifyOrderError[] = [];
    const batches = await collect(connectorOn(fake).bulkOrders({ onUnmappable: (error) => skipped.push(error) }));
    expect(batches.flat().map((o) => o.lines[0]?.sku)).toEqual(['A']);
    expect(skipped.map((e) => e.orderId)).toEqual([giftCardOnly.id]);
  });

  it('refuses a second export while one runs, as Shopify does', async () => {
    fake.seedOrder({ lines: [{ sku: 'A', price: '1.00' }] });
    const connector = connectorOn(fake);
    const first = connector.bulkOrders()[Symbol.asyncIterator]();
    const pending = first.next();
    await expect(collect(connector.bulkOrders())).rejects.toMatchObject({ name: 'ShopifyUserErrorsError', mutation: 'bulkOperationRunQuery' });
    expect((await pending).value).toHaveLength(1);
  });
});

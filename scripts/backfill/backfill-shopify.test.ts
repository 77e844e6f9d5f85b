import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ShopifyConnector } from '../../connectors/commerce/shopify';
import { FakeShopify } from '../../connectors/commerce/shopify/testing';
import { startTestGraph, type TestGraph } from '../../test/support/graph';
import { principals } from '../../test/support/principals';
import { httpGraphClient } from '../ingest/graph-client';
import { plainProgress } from '../ingest/progress';
import type { Io } from '../ingest/cli-io';
import { main } from './cli';

/**
 * `npm run backfill` over the Shopify connector on the fake Shopify (its GraphQL Admin API with
 * query costs and throttling) into the whole graph on real PostgreSQL: the shop's locations,
 * product variants and orders arrive, and a second run from the saved state changes nothing.
 */
let shopify: FakeShopify;
let t: TestGraph;
let dir: string;

beforeAll(async () => {
  shopify = await FakeShopify.start();
  t = await startTestGraph({ seed: false });
  dir = mkdtempSync(join(tmpdir(), 'rg-backfill-shopify-'));
}, 60_000);

afterAll(async () => {
  await t?.close();
  await shopify?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function backfill(...argv: string[]) {
  const out: string[] = [];
  const io: Io = { out: (line) => out.push(line), err: () => undefined };
  const connector = new ShopifyConnector(shopify.connectorOptions());
  const graph = httpGraphClient(t.url, await t.tokenFor(principals.service()));
  const args = [...argv, '--state', join(dir, 'state.json'), '--report', join(dir, 'report.jsonl')];
  const code = await main(args, connector.feed, { gatewayUrl: t.url }, { graph, io, progress: plainProgress('test', () => undefined) });
  return { code, out };
}

const count = async (sql: string) => Number((await t.database.db.query<{ n: string }>(sql)).rows[0]?.n);

it('backfills a Shopify shop into the graph, and a second run changes nothing', async () => {
  const store = shopify.seedLocation({ name: 'Queen Street', city: 'Toronto' });
  shopify.seedVariant({ sku: 'SHP-TEE-S', productTitle: 'Organic tee', productType: 'Apparel' });
  shopify.seedVariant({ sku: 'SHP-MUG', productTitle: 'Camp mug', productType: 'Home & Garden' });
  for (let n = 0; n < 7; n++) {
    const placed = shopify.seedOrder({
      ...(n % 3 === 0 && { sourceName: 'pos', retailLocation: store.legacyResourceId }),
      customer: { id: String(9000 + n), name: `Customer ${n}`, email: null },
      lines: [
        { sku: 'SHP-TEE-S', quantity: 1 + (n % 2), price: '25.00', tax: '2.00', productType: 'Apparel' },
        { sku: 'SHP-MUG', quantity: 1, price: '12.50', discount: '2.50', productType: 'Home & Garden' },
      ],
    });
    shopify.fulfilOrder(placed.id, { delivered: true });
    if (n === 6) shopify.cancelOrder(placed.id);
  }

  const first = await backfill('--page-size', '5');
  expect(first.code).toBe(0);
  expect(first.out).toEqual([
    expect.stringMatching(/^locations: read 1, created 1, .*failed 0/),
    expect.stringMatching(/^products: read 2, created 2, .*failed 0/),
    expect.stringMatching(/^orders: read 7, created 7, .*failed 0/),
  ]);
  expect(await count(`SELECT count(*) AS n FROM orders.orders WHERE source = 'shopify'`)).toBe(7);
  expect(
    await count(`SELECT count(*) AS n FROM orders.orders WHERE source = 'shopify' AND channel = 'POS' AND store_id = 'loc_shp_${store.legacyResourceId}'`),
  ).toBe(3);
  expect(await count(`SELECT count(*) AS n FROM orders.orders WHERE source = 'shopify' AND cancelled_at IS NOT NULL`)).toBe(1);
  expect(await count(`SELECT count(*) AS n FROM inventory.products WHERE source = 'shopify' AND category IN ('apparel', 'home_garden')`)).toBe(2);
  const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { source: string; cursors: Record<string, string> };
  expect(state.source).toBe('shopify');
  expect(Object.keys(state.cursors).sort()).toEqual(['locations', 'orders', 'products']);

  const outboxBefore = await count(`SELECT count(*) AS n FROM orders.outbox`);
  const again = await backfill('--resume');
  expect(again.code).toBe(0);
  expect(await count(`SELECT count(*) AS n FROM orders.orders WHERE source = 'shopify'`)).toBe(7);
  expect(await count(`SELECT count(*) AS n FROM orders.outbox`)).toBe(outboxBefore);
}, 120_000);

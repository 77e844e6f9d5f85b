import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommerceFeed, CommerceLocation, CommercePage, CommerceProduct } from '../../connectors/commerce/port';
import type { NewOrder } from '../../contracts/orders';
import { startTestGraph, type TestGraph } from '../../test/support/graph';
import { principals } from '../../test/support/principals';
import { httpGraphClient, type GraphClient } from '../ingest/graph-client';
import { plainProgress } from '../ingest/progress';
import type { Io } from '../ingest/cli-io';
import { main } from './cli';

/**
 * The backfill against the whole graph on real PostgreSQL, over a `CommerceFeed` written here on
 * in-memory lists (a double of the port, not of our database): the platform's pages, cursors and
 * a failure between two pages.
 */
let t: TestGraph;
let graph: GraphClient;
let dir: string;

beforeAll(async () => {
  t = await startTestGraph({ seed: false });
  graph = httpGraphClient(t.url, await t.tokenFor(principals.service()));
  dir = mkdtempSync(join(tmpdir(), 'rg-backfill-'));
});

afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Pages of `list` after a numeric cursor (the index of the next item); `failAt` throws once when asked for that cursor. */
function pages<T>(list: readonly T[], asked: (string | null)[], failAt?: { cursor: string; failed: boolean }) {
  return async (cursor: string | null, limit: number): Promise<CommercePage<T>> => {
    asked.push(cursor);
    if (failAt && !failAt.failed && cursor === failAt.cursor) {
      failAt.failed = true;
      throw new Error('platform unreachable');
    }
    const start = cursor === null ? 0 : Number(cursor);
    const items = list.slice(start, start + limit);
    return { items, cursor: String(start + items.length), hasMore: start + items.length < list.length };
  };
}

const order = (n: number, placedAt: string): NewOrder => ({
  source: 'memshop',
  externalId: `gid://memshop/Order/${n}`,
  channel: 'ECOMMERCE',
  storeId: null,
  marketplacePartnerId: null,
  customerId: `cus_mem_${n}`,
  customerEmail: null,
  customerName: null,
  placedAt: new Date(placedAt),
  deliveredAt: null,
  currency: 'USD',
  shipping: { method: 'ground', amountMinor: 500, taxMinor: 0 },
  lines: [{ sku: 'SKU-MEM-1', title: 'Mem Tee', category: 'apparel', quantity: 2, unitPriceMinor: 1999, discountMinor: 0, taxMinor: 160, finalSale: false }],
  payments: [{ provider: 'stripe', providerReference: `ch_mem_${n}`, method: 'CARD', capturedMinor: 4658, capturedAt: new Date(placedAt) }],
});

const LOCATIONS: CommerceLocation[] = [
  { externalId: 'gid://memshop/Location/1', locationId: 'loc_mem_1', name: 'Mem Store', kind: 'STORE', city: 'Portland' },
  { externalId: 'gid://memshop/Location/2', locationId: 'loc_mem_2', name: 'Mem Warehouse', kind: 'WAREHOUSE', city: null },
];
const PRODUCTS: CommerceProduct[] = [
  { sku: 'SKU-MEM-1', title: 'Mem Tee', category: 'apparel', externalId: 'gid://memshop/ProductVariant/1' },
  { sku: 'SKU-MEM-2', title: 'Mem Cap', category: 'apparel', externalId: 'gid://memshop/ProductVariant/2' },
  { sku: 'SKU-MEM-3', title: 'Mem Mug', category: 'Kitchen Ware', externalId: 'gid://memshop/ProductVariant/3' },
];
const ORDERS = [order(1, '2026-09-01T10:00:00Z'), order(2, '2026-10-01T10:00:00Z'), order(3, '2026-10-02T10:00:00Z'), order(4, '2026-10-03T10:00:00Z')];

/** The in-memory platform; `asked` records every cursor the backfill asked for. */
function memshop(options: { failOrdersAt?: string } = {}) {
  const asked = { locations: [] as (string | null)[], products: [] as (string | null)[], orders: [] as (string | null)[] };
  const fail = options.failOrdersAt ? { cursor: options.failOrdersAt, failed: false } : undefined;
  const feed: CommerceFeed = {
    source: 'memshop',
    locations: pages(LOCATIONS, asked.locations),
    products: pages(PRODUCTS, asked.products),
    changedOrders: pages(ORDERS, asked.orders, fail),
  };
  return { feed, asked };
}

async function run(feed: CommerceFeed, ...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (line) => out.push(line), err: (line) => err.push(line) };
  const state = join(dir, 'state.json');
  const report = join(dir, 'report.jsonl');
  const code = await main(
    [...argv, '--state', state, '--report', report],
    feed,
    { gatewayUrl: t.url },
    { graph, io, progress: plainProgress('test', () => undefined) },
  );
  return { code, out, err, state, report };
}

const count = async (sql: string) => Number((await t.database.db.query<{ n: string }>(sql)).rows[0]?.n);
const footprint = async () => ({
  orders: await count(`SELECT count(*) AS n FROM orders.orders WHERE source = 'memshop'`),
  ordersOutbox: await count(`SELECT count(*) AS n FROM orders.outbox`),
  inventoryOutbox: await count(`SELECT count(*) AS n FROM inventory.outbox`),
  products: await count(`SELECT count(*) AS n FROM inventory.products WHERE source = 'memshop'`),
  locations: await count(`SELECT count(*) AS n FROM inventory.locations WHERE id LIKE 'loc_mem_%'`),
});

describe('npm run backfill', () => {
  it('reads locations, products and orders page by page into the graph, and resumes after a failure between pages from the saved cursor', async () => {
    // Pages of two: the platform fails when asked for the second page of orders.
    const platform = memshop({ failOrdersAt: '2' });
    const failed = await run(platform.feed, '--since', '2026-09-15', '--page-size', '2');
    expect(failed.code).toBe(1);
    expect(failed.err[0]).toMatch(/platform unreachable/);
    expect(JSON.parse(readFileSync(failed.state, 'utf8'))).toEqual({
      source: 'memshop',
      cursors: { locations: '2', products: '3', orders: '2' },
      done: ['locations', 'products'],
    });
    // Order 1 was placed before --since (skipped), order 2 recorded.
    expect(await footprint()).toMatchObject({ orders: 1, products: 2, locations: 2 });

    const resumed = await run(platform.feed, '--since', '2026-09-15', '--page-size', '2', '--resume');
    expect(resumed.code).toBe(0);
    expect(resumed.out).toEqual([
      expect.stringMatching(/^locations: read 0, /),
      expect.stringMatching(/^products: read 0, /),
      expect.stringMatching(/^orders: read 2, created 2, updated 0, unchanged 0, failed 0 /),
    ]);
    expect(platform.asked).toEqual({ locations: [null], products: [null, '2'], orders: [null, '2', '2'] });
    expect(await footprint()).toMatchObject({ orders: 3, products: 2, locations: 2 });
    const { rows } = await t.database.db.query(`SELECT id, name, kind, city FROM inventory.locations WHERE id LIKE 'loc_mem_%' ORDER BY id`);
    expect(rows).toEqual([
      { id: 'loc_mem_1', name: 'Mem Store', kind: 'STORE', city: 'Portland' },
      { id: 'loc_mem_2', name: 'Mem Warehouse', kind: 'WAREHOUSE', city: null },
    ]);
    // Amounts arrive as they left the platform, in minor units.
    const { rows: totals } = await t.database.db.query(
      `SELECT DISTINCT subtotal_minor::int AS subtotal, tax_total_minor::int AS tax, shipping_minor::int AS shipping, total_minor::int AS total, captured_total_minor::int AS captured
         FROM orders.orders WHERE source = 'memshop'`,
    );
    expect(totals).toEqual([{ subtotal: 3998, tax: 160, shipping: 500, total: 4658, captured: 4658 }]);
  });

  it('reports an item the graph refuses with its code and external id', async () => {
    const { feed } = memshop();
    const result = await run(feed, '--what', 'products');
    expect(result.code).toBe(1);
    expect(result.out[0]).toMatch(/^products: read 3, .*failed 1/);
    const lines = readFileSync(result.report, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toEqual([
      expect.objectContaining({ kind: 'products', externalId: 'gid://memshop/ProductVariant/3', field: 'input.category', code: 'INVALID_VALUE' }),
    ]);
  });

  it('changes nothing on a second full run', async () => {
    const before = await footprint();
    const { feed } = memshop();
    const result = await run(feed, '--what', 'locations,orders', '--since', '2026-09-15');
    expect(result.code).toBe(0);
    expect(await footprint()).toEqual(before);
  });

  it('refuses an unknown kind and a date that is not one', async () => {
    const { feed } = memshop();
    expect((await run(feed, '--what', 'customers')).code).toBe(2);
    expect((await run(feed, '--since', 'yesterday')).code).toBe(2);
  });
});

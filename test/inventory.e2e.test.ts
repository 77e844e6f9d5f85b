import { randomUUID } from 'node:crypto';
import { startTestGraph, type TestGraph } from './support/graph';
import { principals } from './support/principals';
import type { GraphQLResponse } from './support/subgraph-client';

let t: TestGraph;

beforeAll(async () => {
  t = await startTestGraph();
});

afterAll(async () => {
  await t.close();
});

/** Demo stores hold back this many units per SKU (demo/inventory.ts). */
const DEMO_SAFETY_STOCK = 2;
/** Adjustments written before paging, and the page size that splits them over several pages. */
const EXTRA_MOVEMENTS = 5;
const PAGE_SIZE = 2;

type LedgerPage = { inventoryLedger: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
type Level = { sku: string; location: { id: string }; availableToSell: number; onHand: number; quantities: { state: string; quantity: number }[] };

async function balances(sku: string, locationId: string): Promise<Record<string, number>> {
  const { rows } = await t.database.db.query<{ state: string; quantity: number }>(
    `SELECT state, quantity FROM inventory.stock_balances WHERE sku = $1 AND location_id = $2`,
    [sku, locationId],
  );
  return Object.fromEntries(rows.map((row) => [row.state, row.quantity]));
}

describe('inventory through the gateway', () => {
  it('resolves OrderLine.inventoryItem.availability from the orders subgraph into inventory', async () => {
    const response = await t.query<{ orderByNumber: { lines: { sku: string; inventoryItem: { sku: string; availability: Level[] } }[] } }>(
      principals.storeAssociate('loc_store_nyc'),
      `{ orderByNumber(number: "R100010") { lines { sku inventoryItem { sku availability(locationIds: ["loc_store_nyc", "loc_wh_nj"]) {
          sku location { id } availableToSell onHand quantities { state quantity } } } } } }`,
    );
    expect(response.errors).toBeUndefined();
    const lines = response.data?.orderByNumber.lines ?? [];
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line.inventoryItem.sku).toBe(line.sku);
      expect(line.inventoryItem.availability.map((level) => level.location.id)).toEqual(['loc_store_nyc', 'loc_wh_nj']);
      const [store, warehouse] = line.inventoryItem.availability;
      const storeStock = await balances(line.sku, 'loc_store_nyc');
      const warehouseStock = await balances(line.sku, 'loc_wh_nj');
      expect(store?.availableToSell).toBe(Math.max(0, (storeStock.SELLABLE ?? 0) - (storeStock.RESERVED ?? 0) - DEMO_SAFETY_STOCK));
      expect(warehouse?.availableToSell).toBe((warehouseStock.SELLABLE ?? 0) - (warehouseStock.RESERVED ?? 0));
      expect(store?.quantities.find((q) => q.state === 'SELLABLE')?.quantity).toBe(storeStock.SELLABLE ?? 0);
      expect(warehouse?.quantities).toHaveLength(7);
    }
  });

  it("shows the catalog title and category of an order line's SKU, and the demo catalog to staff", async () => {
    const response = await t.query<{ orderByNumber: { lines: { sku: string; inventoryItem: { title: string | null; category: string | null } }[] } }>(
      principals.storeAssociate('loc_store_nyc'),
      `{ orderByNumber(number: "R100001") { lines { sku inventoryItem { title category } } } }`,
    );
    const line = response.data?.orderByNumber.lines[0];
    expect(line?.inventoryItem.title).toEqual(expect.any(String));
    expect(line?.inventoryItem.category).toMatch(/^[a-z]+$/);
    const catalog = await t.query<{ products: { edges: { node: { sku: string } }[] } }>(
      principals.operations(),
      `{ products(first: 100) { edges { node { sku } } } }`,
    );
    expect(catalog.data?.products.edges.map((edge) => edge.node.sku)).toContain(line?.sku);
  });

  it('pages a SKU ledger newest first with no movement missed or repeated', async () => {
    const sku = 'SKU-HOM-003';
    for (let i = 1; i <= EXTRA_MOVEMENTS; i++) {
      const adjusted = await t.query<{ adjustInventory: { userErrors: unknown[] } }>(
        principals.operations(),
        `mutation($key: String!, $delta: Int!) { adjustInventory(input: { sku: "${sku}", locationId: "loc_store_sfo", delta: $delta, reason: CYCLE_COUNT }, idempotencyKey: $key) { userErrors { code } } }`,
        { key: randomUUID(), delta: i },
      );
      expect(adjusted.data?.adjustInventory.userErrors).toEqual([]);
    }
    const { rows } = await t.database.db.query<{ id: string }>(
      `SELECT id FROM inventory.movements WHERE sku = $1 AND location_id = 'loc_store_sfo' ORDER BY occurred_at DESC, id DESC`,
      [sku],
    );
    expect(rows.length).toBeGreaterThan(EXTRA_MOVEMENTS);

    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const page: GraphQLResponse<LedgerPage> = await t.query(
        principals.storeAssociate('loc_store_sfo'),
        `query($after: String) { inventoryLedger(sku: "${sku}", locationId: "loc_store_sfo", first: ${PAGE_SIZE}, after: $after) {
            edges { node { id } } pageInfo { hasNextPage endCursor } } }`,
        { after },
      );
      expect(page.errors).toBeUndefined();
      const connection = page.data?.inventoryLedger;
      seen.push(...(connection?.edges.map((edge) => edge.node.id) ?? []));
      pages++;
      if (!connection?.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(seen).toEqual(rows.map((row) => row.id));
    expect(pages).toBe(Math.ceil(rows.length / PAGE_SIZE));
  });

  it('shows the ledger and the accuracy report to staff, with no mismatches after demo seeding and adjustments', async () => {
    const response = await t.query<{ inventoryAccuracy: { location: { id: string }; mismatches: unknown[] }[] }>(
      principals.operations(),
      `{ inventoryAccuracy { location { id } mismatches { sku state } } }`,
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?.inventoryAccuracy.map((row) => row.location.id)).toContain('loc_wh_nj');
    expect(response.data?.inventoryAccuracy.flatMap((row) => row.mismatches)).toEqual([]);
  });

  it('refuses the ledger and the accuracy report to customers and partners with FORBIDDEN', async () => {
    for (const principal of [principals.customer(), principals.partner()]) {
      const ledger = await t.query(principal, `{ inventoryLedger(sku: "SKU-HOM-003") { edges { node { id } } } }`);
      expect(ledger.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const accuracy = await t.query(principal, `{ inventoryAccuracy { mismatches { sku } } }`);
      expect(accuracy.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
  });
});

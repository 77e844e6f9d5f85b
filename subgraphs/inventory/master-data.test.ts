import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { subgraphRequest, testInternalTokens, type GraphQLResponse } from '../../test/support/subgraph-client';
import { principals } from '../../test/support/principals';
import type { Principal } from '../../platform/auth';
import { startSubgraph, type RunningSubgraph } from '../../platform/subgraph';
import { testSubgraph } from '../../test/support/subgraphs';

let database: TestDatabase;
let subgraph: RunningSubgraph;

beforeAll(async () => {
  database = await createTestDatabase();
  // No pipeline: outbox rows stay unpublished, so the announcements a mutation wrote can be read back.
  subgraph = await startSubgraph(testSubgraph('inventory', database.db), { db: database.db, internalTokens: testInternalTokens, port: 0 });
});

afterAll(async () => {
  await subgraph.close();
  await database.drop();
});

const UPSERT_LOCATION = `mutation($input: UpsertLocationInput!, $key: String!) { upsertLocation(input: $input, idempotencyKey: $key) {
  location { id name kind city safetyStock unopenedReturnsSellable } created userErrors { code field message } } }`;
const UPSERT_PRODUCT = `mutation($input: UpsertProductInput!, $key: String!) { upsertProduct(input: $input, idempotencyKey: $key) {
  product { sku title category } created userErrors { code field message } } }`;

interface UserError {
  code: string;
  field: string[] | null;
  message: string;
}
type LocationPayload = { location: Record<string, unknown> | null; created: boolean; userErrors: UserError[] };
type ProductPayload = { product: { sku: string; title: string | null; category: string | null } | null; created: boolean; userErrors: UserError[] };

const key = () => `md-${randomUUID()}`;

function upsertLocation(principal: Principal, input: Record<string, unknown>, idempotencyKey = key()) {
  return subgraphRequest<{ upsertLocation: LocationPayload }>(subgraph.url, principal, UPSERT_LOCATION, { input, key: idempotencyKey });
}

function upsertProduct(principal: Principal, input: Record<string, unknown>, idempotencyKey = key()) {
  return subgraphRequest<{ upsertProduct: ProductPayload }>(subgraph.url, principal, UPSERT_PRODUCT, { input, key: idempotencyKey });
}

async function announcements(locationId: string): Promise<{ type: string; data: Record<string, unknown> }[]> {
  const { rows } = await database.db.query<{ type: string; data: Record<string, unknown> }>(
    `SELECT type, data FROM inventory.outbox WHERE aggregate_id = $1 ORDER BY seq`,
    [locationId],
  );
  return rows;
}

async function auditCount(action: string, target: string): Promise<number> {
  const { rows } = await database.db.query<{ n: string }>(`SELECT count(*) AS n FROM inventory.audit_log WHERE action = $1 AND target = $2`, [action, target]);
  return Number(rows[0]?.n);
}

const codes = (response: GraphQLResponse<Record<string, { userErrors: UserError[] }>>, field: string) =>
  (response.data?.[field]?.userErrors ?? []).map((error) => [error.code, error.field?.join('.')]);

describe('upsertLocation', () => {
  const store = { id: 'loc_store_md_a', name: 'Store A', kind: 'STORE', city: 'Boston' };

  it('creates a location, announces it with LocationRegistered and audits the call', async () => {
    const response = await upsertLocation(principals.operations(), { ...store, safetyStock: 2 });
    expect(response.errors).toBeUndefined();
    expect(response.data?.upsertLocation).toEqual({
      location: { ...store, safetyStock: 2, unopenedReturnsSellable: false },
      created: true,
      userErrors: [],
    });
    expect(await announcements(store.id)).toEqual([
      { type: 'LocationRegistered', data: { locationId: store.id, name: 'Store A', kind: 'STORE', city: 'Boston', unopenedReturnsSellable: false } },
    ]);
    expect(await auditCount('upsertLocation', store.id)).toBe(1);
  });

  it('answers a repeat with the same key with the same payload and writes nothing more', async () => {
    const input = { id: 'loc_store_md_b', name: 'Store B', kind: 'STORE', city: null };
    const idempotencyKey = key();
    const first = await upsertLocation(principals.service(), input, idempotencyKey);
    const second = await upsertLocation(principals.service(), input, idempotencyKey);
    expect(second.data).toEqual(first.data);
    expect(first.data?.upsertLocation.created).toBe(true);
    expect(await announcements(input.id)).toHaveLength(1);
    expect(await auditCount('upsertLocation', input.id)).toBe(1);
  });

  it('announces a change with LocationUpdated and nothing for a new key that changes nothing', async () => {
    const input = { id: 'loc_wh_md_c', name: 'Warehouse C', kind: 'WAREHOUSE', city: 'Edison' };
    await upsertLocation(principals.operations(), input);
    const unchanged = await upsertLocation(principals.operations(), input);
    expect(unchanged.data?.upsertLocation.created).toBe(false);
    const renamed = await upsertLocation(principals.operations(), { ...input, name: 'Warehouse C (North)', unopenedReturnsSellable: true });
    expect(renamed.data?.upsertLocation).toMatchObject({ created: false, location: { name: 'Warehouse C (North)', unopenedReturnsSellable: true } });
    expect((await announcements(input.id)).map((row) => [row.type, row.data.name, row.data.unopenedReturnsSellable])).toEqual([
      ['LocationRegistered', 'Warehouse C', false],
      ['LocationUpdated', 'Warehouse C (North)', false],
      ['LocationUpdated', 'Warehouse C (North)', true],
    ]);
  });

  it('keeps settings that a later call omits', async () => {
    const input = { id: 'loc_store_md_d', name: 'Store D', kind: 'STORE' };
    await upsertLocation(principals.operations(), { ...input, safetyStock: 5, unopenedReturnsSellable: true });
    const again = await upsertLocation(principals.operations(), { ...input, city: 'Austin' });
    expect(again.data?.upsertLocation.location).toMatchObject({ city: 'Austin', safetyStock: 5, unopenedReturnsSellable: true });
  });

  it('accepts upper case in an id, as the configuration does', async () => {
    const response = await upsertLocation(principals.operations(), { id: 'loc_SHP_Store_7', name: 'Shop 7', kind: 'STORE' });
    expect(response.data?.upsertLocation).toMatchObject({ created: true, userErrors: [] });
  });

  it.each([
    ['store associates', principals.storeAssociate('loc_store_md_a')],
    ['store managers', principals.storeManager('loc_store_md_a')],
    ['customers', principals.customer()],
    ['finance', principals.finance()],
  ])('refuses %s with FORBIDDEN and writes nothing', async (_who, principal) => {
    const response = await upsertLocation(principal, { id: 'loc_store_md_forbidden', name: 'Nope', kind: 'STORE' });
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await announcements('loc_store_md_forbidden')).toEqual([]);
  });

  it('refuses malformed values with INVALID_VALUE on each field and writes nothing', async () => {
    const response = await upsertLocation(principals.operations(), {
      id: 'store-without-prefix',
      name: '   ',
      kind: 'STORE',
      city: 'Bos\tton',
      safetyStock: -1,
    });
    expect(codes(response, 'upsertLocation')).toEqual([
      ['INVALID_VALUE', 'input.id'],
      ['INVALID_VALUE', 'input.name'],
      ['INVALID_VALUE', 'input.city'],
      ['INVALID_VALUE', 'input.safetyStock'],
    ]);
    const long = await upsertLocation(principals.operations(), { id: 'loc_md_long', name: 'x'.repeat(201), kind: 'STORE', city: 'Line\nbreak' });
    expect(codes(long, 'upsertLocation')).toEqual([
      ['INVALID_VALUE', 'input.name'],
      ['INVALID_VALUE', 'input.city'],
    ]);
    expect(await announcements('loc_md_long')).toEqual([]);
  });

  it('refuses an unknown kind by GraphQL validation', async () => {
    const response = await upsertLocation(principals.operations(), { id: 'loc_md_kind', name: 'Kiosk', kind: 'KIOSK' });
    expect(response.data).toBeUndefined();
    expect(response.errors?.[0]?.message).toMatch(/KIOSK/);
  });
});

describe('upsertProduct', () => {
  const ITEM = `query($sku: String!) { _entities(representations: [{ __typename: "InventoryItem", sku: $sku }]) { ... on InventoryItem { sku title category } } }`;

  it('creates a catalog entry, lowers its category, and answers a repeat with the same key with the same payload', async () => {
    const input = { sku: 'SKU-MD-001', title: 'Trail Runner', category: 'Footwear' };
    const idempotencyKey = key();
    const first = await upsertProduct(principals.operations(), input, idempotencyKey);
    const second = await upsertProduct(principals.operations(), input, idempotencyKey);
    expect(first.data?.upsertProduct).toEqual({ product: { sku: 'SKU-MD-001', title: 'Trail Runner', category: 'footwear' }, created: true, userErrors: [] });
    expect(second.data).toEqual(first.data);
    expect(await auditCount('upsertProduct', 'SKU-MD-001')).toBe(1);
  });

  it('changes nothing for the same values under a new key, and updates a changed title', async () => {
    const input = { sku: 'SKU-MD-002', title: 'Rain Jacket', category: 'apparel', source: 'shopify', externalId: 'gid://shopify/ProductVariant/2' };
    await upsertProduct(principals.service(), input);
    const before = await database.db.query<{ updated_at: Date }>(`SELECT updated_at FROM inventory.products WHERE sku = $1`, [input.sku]);
    const same = await upsertProduct(principals.service(), input);
    expect(same.data?.upsertProduct.created).toBe(false);
    const after = await database.db.query<{ updated_at: Date }>(`SELECT updated_at FROM inventory.products WHERE sku = $1`, [input.sku]);
    expect(after.rows[0]?.updated_at).toEqual(before.rows[0]?.updated_at);
    await upsertProduct(principals.service(), { ...input, title: 'Rain Jacket II' });
    const item = await subgraphRequest<{ _entities: unknown[] }>(subgraph.url, principals.customer(), ITEM, { sku: input.sku });
    expect(item.data?._entities).toEqual([{ sku: input.sku, title: 'Rain Jacket II', category: 'apparel' }]);
  });

  it('leaves title and category null for a SKU the catalog does not list', async () => {
    const item = await subgraphRequest<{ _entities: unknown[] }>(subgraph.url, principals.customer(), ITEM, { sku: 'SKU-MD-NONE' });
    expect(item.data?._entities).toEqual([{ sku: 'SKU-MD-NONE', title: null, category: null }]);
  });

  it('refuses malformed values with INVALID_VALUE and writes nothing', async () => {
    const response = await upsertProduct(principals.operations(), { sku: 'SKU MD 3', title: '', category: 'Foot wear', externalId: 'x' });
    expect(codes(response, 'upsertProduct')).toEqual([
      ['INVALID_VALUE', 'input.sku'],
      ['INVALID_VALUE', 'input.title'],
      ['INVALID_VALUE', 'input.category'],
      ['INVALID_VALUE', 'input.externalId'],
    ]);
    const control = await upsertProduct(principals.operations(), { sku: 'SKU-MD-003', title: 'Tab\there', category: 'home' });
    expect(codes(control, 'upsertProduct')).toEqual([['INVALID_VALUE', 'input.title']]);
    const { rowCount } = await database.db.query(`SELECT 1 FROM inventory.products WHERE sku IN ('SKU MD 3', 'SKU-MD-003')`);
    expect(rowCount).toBe(0);
  });

  it('refuses store staff and customers with FORBIDDEN', async () => {
    for (const principal of [principals.storeManager('loc_store_md_a'), principals.customer()]) {
      const response = await upsertProduct(principal, { sku: 'SKU-MD-004', title: 'Lamp', category: 'home' });
      expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
  });
});

describe('products', () => {
  const PRODUCTS = `query($first: Int, $after: String, $category: String) { products(first: $first, after: $after, category: $category) {
    edges { node { sku title category } } nodes { sku } pageInfo { hasNextPage endCursor } } }`;
  type Page = {
    products: { edges: { node: { sku: string } }[]; nodes: { sku: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
  };

  it('pages the catalog by SKU, filtered by category, for staff only', async () => {
    for (const sku of ['SKU-PG-1', 'SKU-PG-2', 'SKU-PG-3']) await upsertProduct(principals.operations(), { sku, title: sku, category: 'beauty' });
    const first = await subgraphRequest<Page>(subgraph.url, principals.storeAssociate('loc_store_md_a'), PRODUCTS, { first: 2, category: 'beauty' });
    expect(first.data?.products.edges.map((edge) => edge.node.sku)).toEqual(['SKU-PG-1', 'SKU-PG-2']);
    expect(first.data?.products.pageInfo.hasNextPage).toBe(true);
    const next = await subgraphRequest<Page>(subgraph.url, principals.storeAssociate('loc_store_md_a'), PRODUCTS, {
      first: 2,
      category: 'beauty',
      after: first.data?.products.pageInfo.endCursor,
    });
    expect(next.data?.products.edges.map((edge) => edge.node.sku)).toEqual(['SKU-PG-3']);
    expect(next.data?.products.nodes).toEqual([{ sku: 'SKU-PG-3' }]);
    const customer = await subgraphRequest<Page>(subgraph.url, principals.customer(), PRODUCTS, {});
    expect(customer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

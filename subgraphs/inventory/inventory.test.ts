import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { subgraphRequest, testInternalTokens } from '../../test/support/subgraph-client';
import { principals } from '../../test/support/principals';
import { startSubgraph, type RunningSubgraph } from '../../platform/subgraph';
import { testSubgraph } from '../../test/support/subgraphs';
import { upsertLocations } from './locations';

let database: TestDatabase;
let subgraph: RunningSubgraph;

beforeAll(async () => {
  database = await createTestDatabase();
  subgraph = await startSubgraph(testSubgraph('inventory', database.db), { db: database.db, internalTokens: testInternalTokens, port: 0 });
  await upsertLocations(database.db, [
    { id: 'loc_store_a', name: 'Store A', kind: 'STORE', city: 'New York', safety_stock: 1 },
    { id: 'loc_wh_b', name: 'Warehouse B', kind: 'WAREHOUSE', city: 'Newark' },
  ]);
  // The stock ledger's writers arrive with the inventory issue; balances are written directly here.
  await database.db.query(
    `INSERT INTO inventory.stock_balances (sku, location_id, state, quantity) VALUES
       ('SKU-1', 'loc_store_a', 'SELLABLE', 5), ('SKU-1', 'loc_store_a', 'PENDING_INSPECTION', 2), ('SKU-1', 'loc_wh_b', 'SELLABLE', 9)`,
  );
});

afterAll(async () => {
  await subgraph.close();
  await database.drop();
});

type Level = { sku: string; location: { id: string }; availableToSell: number; onHand: number; quantities: { state: string; quantity: number }[] };

describe('inventory subgraph', () => {
  it('reports availability per SKU and location with a quantity for every state', async () => {
    const response = await subgraphRequest<{ availability: Level[] }>(
      subgraph.url,
      principals.storeAssociate(),
      `{ availability(skus: ["SKU-1", "SKU-2"], locationIds: ["loc_store_a"]) { sku location { id } availableToSell onHand quantities { state quantity } } }`,
    );
    expect(response.errors).toBeUndefined();
    const [one, two] = response.data?.availability ?? [];
    expect(one).toMatchObject({ sku: 'SKU-1', location: { id: 'loc_store_a' }, availableToSell: 4, onHand: 7 });
    expect(one?.quantities).toHaveLength(7);
    expect(two).toMatchObject({ sku: 'SKU-2', availableToSell: 0, onHand: 0 });
  });

  it('resolves OrderLine.inventoryItem from the line SKU and InventoryItem.availability across locations', async () => {
    const response = await subgraphRequest<{ _entities: { inventoryItem: { sku: string; availability: Level[] } }[] }>(
      subgraph.url,
      principals.customer(),
      `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on OrderLine { inventoryItem { sku availability { location { id } availableToSell } } } } }`,
      { reps: [{ __typename: 'OrderLine', id: 'oli_X', sku: 'SKU-1' }] },
    );
    expect(response.errors).toBeUndefined();
    const item = response.data?._entities[0]?.inventoryItem;
    expect(item?.sku).toBe('SKU-1');
    expect(item?.availability.map((level) => [level.location.id, level.availableToSell])).toEqual([
      ['loc_store_a', 4],
      ['loc_wh_b', 9],
    ]);
  });

  it('refuses a negative balance in SQL', async () => {
    await expect(
      database.db.query(`UPDATE inventory.stock_balances SET quantity = quantity - 100 WHERE sku = 'SKU-1' AND location_id = 'loc_wh_b'`),
    ).rejects.toMatchObject({ code: '23514' });
  });

  it('bounds the number of SKUs per availability request', async () => {
    const skus = Array.from({ length: 251 }, (_, i) => `SKU-${i}`);
    const response = await subgraphRequest(subgraph.url, principals.customer(), `query($skus: [String!]!) { availability(skus: $skus) { sku } }`, { skus });
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

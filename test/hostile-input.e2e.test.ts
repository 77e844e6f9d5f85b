import { randomUUID } from 'node:crypto';
import { DEMO_LOCATIONS } from '../demo/catalog';
import { seedDemoInventory } from '../demo/inventory';
import { upsertLocations } from '../subgraphs/inventory/locations';
import { startTestGraph, type TestGraph } from './support/graph';
import { principals } from './support/principals';
import { settledFootprint } from './support/footprint';
import { lineInput, mutate, newKey, recordOrder, recordOrderInput, returnInStatus, WAREHOUSE_ID } from './support/returns-kit';
import { subgraphRequest, type GraphQLResponse } from './support/subgraph-client';

/**
 * Issue 10 item 7: each input that used to reach SQL and come back as INTERNAL_SERVER_ERROR (or be
 * stored whole) is refused before any SQL with BAD_USER_INPUT, and leaves every table as it was.
 */

jest.setTimeout(60_000);

const NUL = 'R10\u00000001';
const KB = 1024;

let t: TestGraph;

beforeAll(async () => {
  // Locations and stock only: the 1,000 demo orders take the consumers ~20 s to absorb, and
  // every footprint here waits for the pipeline to be idle.
  t = await startTestGraph({ seed: false });
  await upsertLocations(t.database.db, DEMO_LOCATIONS);
  await seedDemoInventory(t.database.db);
});

afterAll(async () => {
  await t?.close();
});

/** The `extensions.code` of every top-level error of a response. */
const errorCodes = (response: GraphQLResponse): unknown[] => (response.errors ?? []).map((error) => error.extensions?.code);

/** Asserts a response is refused as bad input only, and that `act` wrote nothing anywhere. */
async function refusedAsBadInput(act: () => Promise<GraphQLResponse>): Promise<GraphQLResponse> {
  const before = await settledFootprint(t.database.db);
  const response = await act();
  expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
  expect(await settledFootprint(t.database.db)).toEqual(before);
  return response;
}

describe('a NUL byte in a string', () => {
  it('refuses orderByNumber with BAD_USER_INPUT', async () => {
    await refusedAsBadInput(() => t.query(principals.serviceDesk(), `query($n: String!) { orderByNumber(number: $n) { id } }`, { n: NUL }));
  });

  it('refuses an inline literal the same way as a variable', async () => {
    await refusedAsBadInput(() => t.query(principals.serviceDesk(), `{ orderByNumber(number: "R10\\u00000001") { id } }`));
  });

  it('refuses a SKU of availability with BAD_USER_INPUT', async () => {
    await refusedAsBadInput(() =>
      t.query(principals.customer(), `query($s: [String!]!) { availability(skus: $s) { sku } }`, { s: ['SKU-APP-001', 'SKU\u0000'] }),
    );
  });

  it('refuses a customerNote of requestReturn with BAD_USER_INPUT', async () => {
    const order = await recordOrder(t, t.database.db, {
      customerId: `cus_h_${randomUUID().slice(0, 8)}`,
      lines: [{ sku: 'SKU-APP-004', category: 'apparel', quantity: 1 }],
    });
    const line = { ...lineInput(order.lines[0]?.id as string), customerNote: 'too small\u0000' };
    const result = await refusedAsBadInput(
      async () =>
        (await mutate(t, principals.customer(order.customerId), 'requestReturn', { orderId: order.id, channel: 'ECOMMERCE', lines: [line] })).response,
    );
    expect(result.errors?.[0]?.extensions?.argument).toBe('input.lines.0.customerNote');
  });

  it('refuses a locationId of receiveReturnItems with BAD_USER_INPUT', async () => {
    const { ret } = await returnInStatus(t, t.database.db, 'IN_TRANSIT');
    await refusedAsBadInput(
      async () =>
        (
          await mutate(t, principals.service(), 'receiveReturnItems', {
            returnId: ret.id,
            locationId: `${WAREHOUSE_ID}\u0000`,
            lines: [{ returnLineId: ret.lines[0]?.id, quantity: 1 }],
          })
        ).response,
    );
  });

  it('refuses a decline reason with BAD_USER_INPUT', async () => {
    const { ret } = await returnInStatus(t, t.database.db, 'REQUESTED');
    await refusedAsBadInput(
      async () => (await mutate(t, principals.serviceDesk(), 'declineReturn', { returnId: ret.id, reason: 'OUTSIDE\u0000POLICY' })).response,
    );
  });

  it('refuses an order line SKU of recordOrder with BAD_USER_INPUT', async () => {
    const input = recordOrderInput({ customerId: 'cus_h_nul', lines: [{ sku: 'SKU-\u0000', category: 'apparel', quantity: 1 }] });
    await refusedAsBadInput(() => t.query(principals.service(), RECORD_ORDER, { input, key: newKey('order') }));
  });
});

describe('a negative first', () => {
  it.each([
    ['returnStatusUpdates', `{ returnStatusUpdates(first: -1) { cursor } }`],
    ['refundUpdates', `{ refundUpdates(first: -1) { cursor } }`],
    ['reconciliation', `{ reconciliation(first: -1) { returnId } }`],
  ])('refuses %s with BAD_USER_INPUT', async (_name, query) => {
    await refusedAsBadInput(() => t.query(principals.operations(), query));
  });
});

describe('a malformed DateTime', () => {
  it('refuses placedAt "not-a-date" in recordOrder with BAD_USER_INPUT', async () => {
    const input = {
      ...recordOrderInput({ customerId: 'cus_h_date', lines: [{ sku: 'SKU-APP-001', category: 'apparel', quantity: 1 }] }),
      placedAt: 'not-a-date',
    };
    await refusedAsBadInput(() => t.query(principals.service(), RECORD_ORDER, { input, key: newKey('order') }));
  });

  it('refuses orders(placedAfter: "garbage") as a variable with BAD_USER_INPUT and no subgraph URL', async () => {
    const response = await refusedAsBadInput(() =>
      t.query(principals.operations(), `query($d: DateTime) { orders(placedAfter: $d) { totalCount } }`, { d: 'garbage' }),
    );
    expect(JSON.stringify(response.errors)).not.toMatch(/http:\/\/|stacktrace/);
  });

  it('refuses orders(placedAfter: "garbage") as a literal with BAD_USER_INPUT', async () => {
    await refusedAsBadInput(() => t.query(principals.operations(), `{ orders(placedAfter: "garbage") { totalCount } }`));
  });
});

describe('a decline reason out of bounds', () => {
  it.each([
    ['empty', ''],
    ['blank', '   '],
    ['200 KB', 'x'.repeat(200 * KB)],
  ])('refuses a %s reason with BAD_USER_INPUT and leaves the return REQUESTED', async (_name, reason) => {
    const { ret } = await returnInStatus(t, t.database.db, 'REQUESTED');
    await refusedAsBadInput(async () => (await mutate(t, principals.serviceDesk(), 'declineReturn', { returnId: ret.id, reason })).response);
    const after = await t.query<{ return: { status: string } }>(principals.serviceDesk(), `query($id: ID!) { return(id: $id) { status } }`, { id: ret.id });
    expect(after.data?.return.status).toBe('REQUESTED');
  });
});

describe('a 900 KB adjustInventory note', () => {
  it('is refused with BAD_USER_INPUT and never reaches the audit log', async () => {
    const input = { sku: 'SKU-APP-001', locationId: WAREHOUSE_ID, delta: 1, reason: 'FOUND', note: 'n'.repeat(900 * KB) };
    await refusedAsBadInput(() => t.query(principals.operations(), ADJUST, { input, key: newKey('adjust') }));
    const { rows } = await t.database.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM inventory.audit_log WHERE length(details::text) > $1`, [
      100 * KB,
    ]);
    expect(rows[0]?.n).toBe(0);
  });
});

describe('a subgraph called directly', () => {
  it('refuses a NUL byte itself, without the gateway', async () => {
    const orders = t.graph.subgraphs.find((subgraph) => subgraph.name === 'orders');
    const response = await subgraphRequest(orders?.url as string, principals.serviceDesk(), `query($n: String!) { orderByNumber(number: $n) { id } }`, {
      n: NUL,
    });
    expect(response.status).toBe(200);
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
  });

  it('refuses a negative first itself, without the gateway', async () => {
    const refunds = t.graph.subgraphs.find((subgraph) => subgraph.name === 'refunds');
    const response = await subgraphRequest(refunds?.url as string, principals.operations(), `{ reconciliation(first: -5) { returnId } }`);
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
  });
});

const RECORD_ORDER = `mutation($input: RecordOrderInput!, $key: String!) { recordOrder(input: $input, idempotencyKey: $key) { order { id } userErrors { code } } }`;
const ADJUST = `mutation($input: AdjustInventoryInput!, $key: String!) { adjustInventory(input: $input, idempotencyKey: $key) { movements { quantity } userErrors { code } } }`;

import { randomUUID } from 'node:crypto';
import type { Principal } from '../platform/auth';
import { startTestGraph, type TestGraph } from './support/graph';
import { principals } from './support/principals';
import {
  footprint,
  scopeOf,
  lineInput,
  mutate,
  mutateOk,
  recordOrder,
  WAREHOUSE_ID,
  type RecordedOrder,
  type ReturnMutation,
  type UserErrorView,
} from './support/returns-kit';
import { settlePipeline, stuckEvents, SETTLE_TIMEOUT_MS } from './support/pipeline-quiescence';
import { TEST_SETTINGS } from './support/settings';

/** The default return location of this file's graph: one inventory never registered, as a typo in `RETURNS_DEFAULT_LOCATION_ID` would be. */
const UNREGISTERED_DEFAULT_LOCATION = 'loc_wh_unregistered';

/**
 * Nothing accepted upstream dead-letters downstream: every returns command that names a location
 * inventory would refuse later (an unknown location, units inspected where they were not received)
 * is refused by returns with a userError, writes nothing, and leaves no dead letter or retrying
 * event in any subgraph.
 */
let t: TestGraph;

beforeAll(async () => {
  t = await startTestGraph({
    seed: false,
    settings: { ...TEST_SETTINGS, returns: { ...TEST_SETTINGS.returns, defaultLocationId: UNREGISTERED_DEFAULT_LOCATION } },
  });
});

afterAll(async () => {
  await t.close();
});

/** A location id no one has registered. */
const NOWHERE = 'loc_nowhere';
/** Two demo stores inventory knows. */
const NYC = 'loc_store_nyc';
const CHI = 'loc_store_chi';
const wms = principals.service();
const backOffice = principals.serviceDesk();

/** A fresh customer's delivered web order of two units of one line, cheap enough to auto-approve. */
const twoUnitOrder = (): Promise<RecordedOrder> =>
  recordOrder(t, t.database.db, {
    customerId: `cus_t_${randomUUID().slice(0, 8)}`,
    lines: [{ sku: 'SKU-APP-004', category: 'apparel', quantity: 2, unitPrice: '30.00' }],
  });

/** Sends a mutation that must be refused with exactly `expected` and must leave the returns schema as it was. */
async function expectRefused(principal: Principal, name: ReturnMutation, input: Record<string, unknown>, expected: Partial<UserErrorView>[]) {
  // Scoped to what the input names: other tests' returns settle and complete on their own meanwhile.
  const before = await footprint(t.database.db, scopeOf(input));
  const result = await mutate(t, principal, name, input);
  expect(result.response.errors).toBeUndefined();
  expect(result.payload?.userErrors).toEqual(expected.map((error) => expect.objectContaining(error)));
  expect(result.payload?.return).toBeNull();
  expect(await footprint(t.database.db, scopeOf(input))).toEqual(before);
}

/** A ship-back return of both units, authorized by the service desk to the demo warehouse. */
async function shipBackReturn(order: RecordedOrder) {
  return mutateOk(t, backOffice, 'authorizeReturn', {
    orderId: order.id,
    channel: 'ECOMMERCE',
    destinationLocationId: WAREHOUSE_ID,
    lines: [lineInput(order.lines[0]?.id as string, 2)],
  });
}

describe('commands at a location inventory does not know', () => {
  it('refuses receiveReturnItems at an unknown location with UNKNOWN_LOCATION', async () => {
    const ret = await shipBackReturn(await twoUnitOrder());
    await expectRefused(wms, 'receiveReturnItems', { returnId: ret.id, locationId: NOWHERE, lines: [{ returnLineId: ret.lines[0]?.id, quantity: 1 }] }, [
      { code: 'UNKNOWN_LOCATION', field: ['input', 'locationId'] },
    ]);
  });

  it('refuses authorizeReturn at a counter whose store is unknown, with and without receiveNow', async () => {
    const order = await twoUnitOrder();
    // A token may name a store that inventory has never heard of: its staff pass the store check.
    const associate = principals.storeAssociate(NOWHERE);
    for (const receiveNow of [false, true]) {
      await expectRefused(
        associate,
        'authorizeReturn',
        { orderId: order.id, channel: 'POS', storeId: NOWHERE, receiveNow, lines: [lineInput(order.lines[0]?.id as string, 1)] },
        [{ code: 'UNKNOWN_LOCATION', field: ['input', 'storeId'] }],
      );
    }
  });

  it('refuses authorizeReturn with an unknown destination, or receiving now at an unknown store', async () => {
    const order = await twoUnitOrder();
    const line = [lineInput(order.lines[0]?.id as string, 1)];
    await expectRefused(backOffice, 'authorizeReturn', { orderId: order.id, channel: 'ECOMMERCE', destinationLocationId: NOWHERE, lines: line }, [
      { code: 'UNKNOWN_LOCATION', field: ['input', 'destinationLocationId'] },
    ]);
    await expectRefused(
      backOffice,
      'authorizeReturn',
      { orderId: order.id, channel: 'ECOMMERCE', storeId: NOWHERE, destinationLocationId: WAREHOUSE_ID, receiveNow: true, lines: line },
      [{ code: 'UNKNOWN_LOCATION', field: ['input', 'storeId'] }],
    );
  });

  it('refuses receiveNow without a store to receive at with STORE_REQUIRED', async () => {
    const order = await twoUnitOrder();
    await expectRefused(
      backOffice,
      'authorizeReturn',
      { orderId: order.id, channel: 'ECOMMERCE', destinationLocationId: WAREHOUSE_ID, receiveNow: true, lines: [lineInput(order.lines[0]?.id as string, 1)] },
      [{ code: 'STORE_REQUIRED', field: ['input', 'storeId'] }],
    );
  });

  it('refuses ship-back returns to the default return location while inventory does not know it', async () => {
    const order = await twoUnitOrder();
    const line = [lineInput(order.lines[0]?.id as string, 1)];
    const expected = [{ code: 'UNKNOWN_LOCATION', field: null, message: expect.stringContaining(UNREGISTERED_DEFAULT_LOCATION) }];
    await expectRefused(principals.customer(order.customerId), 'requestReturn', { orderId: order.id, channel: 'ECOMMERCE', lines: line }, expected);
    await expectRefused(backOffice, 'authorizeReturn', { orderId: order.id, channel: 'ECOMMERCE', lines: line }, expected);
  });
});

describe('inspections where the units are not', () => {
  it('refuses recordInspection at a location that received none of the units, known or not', async () => {
    const order = await twoUnitOrder();
    const taken = await mutateOk(t, principals.storeAssociate(NYC), 'authorizeReturn', {
      orderId: order.id,
      channel: 'POS',
      storeId: NYC,
      receiveNow: true,
      lines: [lineInput(order.lines[0]?.id as string, 2)],
    });
    const dispositions = [{ returnLineId: taken.lines[0]?.id, dispositions: [{ disposition: 'SELLABLE', quantity: 2 }] }];
    await expectRefused(wms, 'recordInspection', { returnId: taken.id, locationId: WAREHOUSE_ID, lines: dispositions }, [
      { code: 'NOT_RECEIVED_AT_LOCATION', field: ['input', 'lines', '0', 'dispositions'] },
    ]);
    await expectRefused(wms, 'recordInspection', { returnId: taken.id, locationId: NOWHERE, lines: dispositions }, [
      { code: 'UNKNOWN_LOCATION', field: ['input', 'locationId'] },
    ]);
  });

  it('refuses an inspection of more units than were received at that location, and inspects each location its own units', async () => {
    const ret = await shipBackReturn(await twoUnitOrder());
    const lineId = ret.lines[0]?.id as string;
    await mutateOk(t, wms, 'receiveReturnItems', { returnId: ret.id, locationId: WAREHOUSE_ID, lines: [{ returnLineId: lineId, quantity: 1 }] });
    await mutateOk(t, wms, 'receiveReturnItems', { returnId: ret.id, locationId: CHI, lines: [{ returnLineId: lineId, quantity: 1 }] });
    const inspect = (locationId: string, quantity: number) => ({
      returnId: ret.id,
      locationId,
      lines: [{ returnLineId: lineId, dispositions: [{ disposition: 'DAMAGED', quantity }] }],
    });
    await expectRefused(wms, 'recordInspection', inspect(WAREHOUSE_ID, 2), [
      { code: 'NOT_RECEIVED_AT_LOCATION', field: ['input', 'lines', '0', 'dispositions'] },
    ]);
    await mutateOk(t, wms, 'recordInspection', inspect(WAREHOUSE_ID, 1));
    const inspected = await mutateOk(t, wms, 'recordInspection', inspect(CHI, 1));
    expect(inspected.lines[0]?.dispositions.map((d) => [d.locationId, d.quantity]).sort()).toEqual([
      [CHI, 1],
      [WAREHOUSE_ID, 1],
    ]);
  });
});

describe('downstream', () => {
  it(
    'leaves no dead letter and no event waiting for a retry in any subgraph once the pipeline is quiet',
    async () => {
      await settlePipeline(t.database.db);
      expect(await stuckEvents(t.database.db)).toEqual([]);
    },
    SETTLE_TIMEOUT_MS + 10_000,
  );
});

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
  returnInStatus,
  topLevelCode,
  WAREHOUSE_ID,
  type ReturnMutation,
} from './support/returns-kit';

/**
 * Who may do what to a return: a violation on a return the caller may see is a top-level FORBIDDEN,
 * one on another tenant's return answers like an unknown id; either changes nothing.
 */
let t: TestGraph;

beforeAll(async () => {
  t = await startTestGraph({ seed: false });
});

afterAll(async () => {
  await t.close();
});

const newCustomer = () => `cus_t_${randomUUID().slice(0, 8)}`;

async function expectForbidden(principal: Principal, name: ReturnMutation, input: Record<string, unknown>) {
  // Scoped to what the input names: other tests' returns settle and complete on their own meanwhile.
  const before = await footprint(t.database.db, scopeOf(input));
  const result = await mutate(t, principal, name, input);
  expect(topLevelCode(result)).toBe('FORBIDDEN');
  expect(result.payload).toBeNull();
  expect(await footprint(t.database.db, scopeOf(input))).toEqual(before);
}

/** Another tenant's id: the same userError as an unknown id, and nothing written. */
async function expectNotFound(principal: Principal, name: ReturnMutation, input: Record<string, unknown>, code: string) {
  // Scoped to what the input names: other tests' returns settle and complete on their own meanwhile.
  const before = await footprint(t.database.db, scopeOf(input));
  const result = await mutate(t, principal, name, input);
  expect(result.response.errors).toBeUndefined();
  expect(result.payload?.userErrors.map((error) => error.code)).toEqual([code]);
  expect(await footprint(t.database.db, scopeOf(input))).toEqual(before);
}

const simpleOrder = () => recordOrder(t, t.database.db, { customerId: newCustomer(), lines: [{ sku: 'SKU-APP-005', category: 'apparel', quantity: 2 }] });

describe('starting a return', () => {
  it("refuses a customer returning another customer's order, and hides its eligibility", async () => {
    const order = await simpleOrder();
    const stranger = principals.customer(newCustomer());
    await expectNotFound(
      stranger,
      'requestReturn',
      { orderId: order.id, channel: 'ECOMMERCE', lines: [lineInput(order.lines[0]?.id as string)] },
      'ORDER_NOT_FOUND',
    );
    const eligibility = await t.query(stranger, `query($id: ID!) { returnEligibility(orderId: $id, channel: ECOMMERCE) { eligible } }`, { id: order.id });
    expect(eligibility.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses a store associate authorizing in a store that is not theirs', async () => {
    const order = await simpleOrder();
    await expectForbidden(principals.storeAssociate('loc_store_nyc'), 'authorizeReturn', {
      orderId: order.id,
      channel: 'POS',
      storeId: 'loc_store_sfo',
      lines: [lineInput(order.lines[0]?.id as string)],
    });
  });

  it("lets a marketplace partner return its own marketplace's order and refuses another partner", async () => {
    const order = await recordOrder(t, t.database.db, {
      customerId: newCustomer(),
      channel: 'MARKETPLACE',
      partnerId: 'mkp_demo_a',
      lines: [{ sku: 'SKU-FTW-003', category: 'footwear', quantity: 1 }],
    });
    const input = { orderId: order.id, channel: 'MARKETPLACE', lines: [lineInput(order.lines[0]?.id as string)] };
    await expectNotFound(principals.partner('mkp_demo_b'), 'requestReturn', input, 'ORDER_NOT_FOUND');
    const created = await mutateOk(t, principals.partner('mkp_demo_a'), 'requestReturn', input);
    expect(created).toMatchObject({ status: 'AUTHORIZED', channel: 'MARKETPLACE', refundMethod: 'ORIGINAL_PAYMENT' });
    const seen = await t.query<{ return: { id: string } | null }>(principals.partner('mkp_demo_b'), `query($id: ID!) { return(id: $id) { id } }`, {
      id: created.id,
    });
    expect(seen.data?.return).toBeNull();
  });

  it('refuses roles that take no returns (finance)', async () => {
    const order = await simpleOrder();
    await expectForbidden(principals.finance(), 'requestReturn', { orderId: order.id, channel: 'ECOMMERCE', lines: [lineInput(order.lines[0]?.id as string)] });
  });
});

describe('acting on a return', () => {
  it('refuses store staff and the customer approving or declining an online return; the service desk and operations decide', async () => {
    const { ret, order } = await returnInStatus(t, t.database.db, 'REQUESTED');
    await expectForbidden(principals.storeAssociate('loc_store_nyc'), 'approveReturn', { returnId: ret.id });
    await expectForbidden(principals.storeManager('loc_store_nyc'), 'approveReturn', { returnId: ret.id });
    await expectForbidden(principals.customer(order.customerId), 'approveReturn', { returnId: ret.id });
    await expectForbidden(principals.storeAssociate('loc_store_nyc'), 'declineReturn', { returnId: ret.id, reason: 'NO' });
    expect(await mutateOk(t, principals.serviceDesk(), 'approveReturn', { returnId: ret.id })).toMatchObject({ status: 'AUTHORIZED' });
  });

  it("refuses a manager of another store canceling or receiving a store's counter return", async () => {
    const order = await recordOrder(t, t.database.db, {
      customerId: newCustomer(),
      lines: [{ sku: 'SKU-HOM-004', category: 'home', quantity: 1, unitPrice: '600.00' }],
    });
    const ret = await mutateOk(t, principals.storeManager('loc_store_chi'), 'authorizeReturn', {
      orderId: order.id,
      channel: 'POS',
      storeId: 'loc_store_chi',
      lines: [lineInput(order.lines[0]?.id as string)],
    });
    await expectForbidden(principals.storeManager('loc_store_nyc'), 'cancelReturn', { returnId: ret.id });
    await expectForbidden(principals.storeManager('loc_store_nyc'), 'receiveReturnItems', {
      returnId: ret.id,
      locationId: 'loc_store_chi',
      lines: [{ returnLineId: ret.lines[0]?.id, quantity: 1 }],
    });
  });

  it("refuses another customer canceling or shipping someone's return", async () => {
    const { ret } = await returnInStatus(t, t.database.db, 'AUTHORIZED');
    const stranger = principals.customer(newCustomer());
    await expectNotFound(stranger, 'cancelReturn', { returnId: ret.id }, 'RETURN_NOT_FOUND');
    await expectNotFound(stranger, 'markReturnInTransit', { returnId: ret.id, carrier: 'UPS' }, 'RETURN_NOT_FOUND');
  });

  it('refuses receiving or inspecting at a location that is not the caller’s', async () => {
    const { ret, order } = await returnInStatus(t, t.database.db, 'IN_TRANSIT');
    const receipt = (locationId: string) => ({ returnId: ret.id, locationId, lines: [{ returnLineId: ret.lines[0]?.id, quantity: 2 }] });
    await expectForbidden(principals.storeAssociate('loc_store_nyc'), 'receiveReturnItems', receipt('loc_store_sfo'));
    await expectForbidden(principals.storeAssociate('loc_store_nyc'), 'receiveReturnItems', receipt(WAREHOUSE_ID));
    await expectForbidden(principals.customer(order.customerId), 'receiveReturnItems', receipt(WAREHOUSE_ID));
    const received = await mutateOk(t, principals.service(), 'receiveReturnItems', receipt(WAREHOUSE_ID));
    expect(received.status).toBe('RECEIVED');
    await expectForbidden(principals.storeAssociate('loc_store_nyc'), 'recordInspection', {
      returnId: ret.id,
      locationId: WAREHOUSE_ID,
      lines: [{ returnLineId: ret.lines[0]?.id, dispositions: [{ disposition: 'SELLABLE', quantity: 2 }] }],
    });
  });

  it('shows a return only to its customer and to staff', async () => {
    const { ret, order } = await returnInStatus(t, t.database.db, 'AUTHORIZED');
    const query = `query($id: ID!) { return(id: $id) { id } }`;
    const own = await t.query<{ return: { id: string } | null }>(principals.customer(order.customerId), query, { id: ret.id });
    const other = await t.query<{ return: { id: string } | null }>(principals.customer(newCustomer()), query, { id: ret.id });
    const staff = await t.query<{ return: { id: string } | null }>(principals.storeAssociate('loc_store_aus'), query, { id: ret.id });
    expect([own.data?.return?.id, other.data?.return, staff.data?.return?.id]).toEqual([ret.id, null, ret.id]);
  });
});

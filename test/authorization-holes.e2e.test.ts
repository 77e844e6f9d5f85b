import { randomUUID } from 'node:crypto';
import type { Principal } from '../platform/auth';
import { newId } from '../platform/ids';
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
  type MutationResult,
  type ReturnMutation,
} from './support/returns-kit';

/**
 * The holes issue 10 found in who may act on a return, each as the hostile client tried it:
 * store staff acting on returns whose units are not at their stores, and ids that answered
 * differently when they belonged to someone else than when they did not exist.
 */
let t: TestGraph;

beforeAll(async () => {
  t = await startTestGraph({ seed: false });
});

afterAll(async () => {
  await t.close();
});

const newCustomer = () => `cus_t_${randomUUID().slice(0, 8)}`;

async function expectForbiddenAndUnchanged(principal: Principal, name: ReturnMutation, input: Record<string, unknown>): Promise<void> {
  // Scoped to what the input names: other tests' returns settle and complete on their own meanwhile.
  const before = await footprint(t.database.db, scopeOf(input));
  const result = await mutate(t, principal, name, input);
  expect(topLevelCode(result)).toBe('FORBIDDEN');
  expect(result.payload).toBeNull();
  expect(await footprint(t.database.db, scopeOf(input))).toEqual(before);
}

/** A response with every occurrence of `id` replaced, so an unknown and a foreign id compare equal when they answer alike. */
const withoutId = (result: MutationResult | { data?: unknown; errors?: unknown }, id: string) =>
  JSON.parse(
    JSON.stringify('response' in result ? result.response : result)
      .split(id)
      .join('<id>'),
  ) as unknown;

describe('store staff act only where the units are', () => {
  it("refuses a store associate canceling another customer's online return", async () => {
    const { ret } = await returnInStatus(t, t.database.db, 'AUTHORIZED');
    await expectForbiddenAndUnchanged(principals.storeAssociate('loc_store_nyc'), 'cancelReturn', { returnId: ret.id });
  });

  it('refuses a store manager approving or declining an online return', async () => {
    const { ret } = await returnInStatus(t, t.database.db, 'REQUESTED');
    await expectForbiddenAndUnchanged(principals.storeManager('loc_store_nyc'), 'approveReturn', { returnId: ret.id });
    await expectForbiddenAndUnchanged(principals.storeManager('loc_store_nyc'), 'declineReturn', { returnId: ret.id, reason: 'NO' });
  });

  it('refuses a store associate inspecting at their store units received at another store', async () => {
    const order = await recordOrder(t, t.database.db, { customerId: newCustomer(), lines: [{ sku: 'SKU-APP-005', category: 'apparel', quantity: 1 }] });
    const sfo = principals.storeAssociate('loc_store_sfo');
    const taken = await mutateOk(t, sfo, 'authorizeReturn', {
      orderId: order.id,
      channel: 'POS',
      storeId: 'loc_store_sfo',
      receiveNow: true,
      lines: [lineInput(order.lines[0]?.id as string)],
    });
    await expectForbiddenAndUnchanged(principals.storeAssociate('loc_store_nyc'), 'recordInspection', {
      returnId: taken.id,
      locationId: 'loc_store_nyc',
      lines: [{ returnLineId: taken.lines[0]?.id, dispositions: [{ disposition: 'SELLABLE', quantity: 1 }] }],
    });
    const inspected = await mutateOk(t, sfo, 'recordInspection', {
      returnId: taken.id,
      locationId: 'loc_store_sfo',
      lines: [{ returnLineId: taken.lines[0]?.id, dispositions: [{ disposition: 'SELLABLE', quantity: 1 }] }],
    });
    expect(inspected.lines[0]?.inspectedQuantity).toBe(1);
  });

  it('lets the customer, the service desk and operations cancel an online return', async () => {
    for (const who of ['customer', 'serviceDesk', 'operations'] as const) {
      const { ret, order } = await returnInStatus(t, t.database.db, 'AUTHORIZED');
      const principal = who === 'customer' ? principals.customer(order.customerId) : principals[who]();
      expect(await mutateOk(t, principal, 'cancelReturn', { returnId: ret.id })).toMatchObject({ status: 'CANCELED' });
    }
  });
});

describe('a foreign id answers exactly like an unknown one', () => {
  it("answers another customer's return like an unknown return, for every mutation a customer may attempt", async () => {
    const { ret } = await returnInStatus(t, t.database.db, 'AUTHORIZED');
    const stranger = principals.customer(newCustomer());
    const unknown = newId('ret');
    for (const [name, extra] of [
      ['cancelReturn', {}],
      ['markReturnInTransit', { carrier: 'UPS' }],
    ] as const) {
      // Scoped to the return asked about: earlier tests' returns settle and complete on their own meanwhile.
      const before = await footprint(t.database.db, { returnId: ret.id });
      const foreign = await mutate(t, stranger, name, { returnId: ret.id, ...extra });
      const missing = await mutate(t, stranger, name, { returnId: unknown, ...extra });
      expect(foreign.payload?.userErrors[0]?.code).toBe('RETURN_NOT_FOUND');
      expect(withoutId(foreign, ret.id)).toEqual(withoutId(missing, unknown));
      expect(await footprint(t.database.db, { returnId: ret.id })).toEqual(before);
    }
  });

  it("answers another customer's order like an unknown order when requesting a return and checking eligibility", async () => {
    const order = await recordOrder(t, t.database.db, { customerId: newCustomer(), lines: [{ sku: 'SKU-APP-005', category: 'apparel', quantity: 1 }] });
    const stranger = principals.customer(newCustomer());
    const unknown = newId('ord');
    const request = (orderId: string) =>
      mutate(t, stranger, 'requestReturn', { orderId, channel: 'ECOMMERCE', lines: [lineInput(order.lines[0]?.id as string)] });
    const [foreign, missing] = [await request(order.id), await request(unknown)];
    expect(foreign.payload?.userErrors[0]?.code).toBe('ORDER_NOT_FOUND');
    expect(withoutId(foreign, order.id)).toEqual(withoutId(missing, unknown));

    const eligibility = (orderId: string) =>
      t.query(stranger, `query($id: ID!) { returnEligibility(orderId: $id, channel: ECOMMERCE) { eligible } }`, { id: orderId });
    const [foreignEligibility, missingEligibility] = [await eligibility(order.id), await eligibility(unknown)];
    expect(foreignEligibility.errors?.[0]?.extensions?.code).not.toBe('FORBIDDEN');
    expect(withoutId(foreignEligibility, order.id)).toEqual(withoutId(missingEligibility, unknown));
  });

  it("answers another partner's marketplace return like an unknown return", async () => {
    const order = await recordOrder(t, t.database.db, {
      customerId: newCustomer(),
      channel: 'MARKETPLACE',
      partnerId: 'mkp_demo_a',
      lines: [{ sku: 'SKU-FTW-003', category: 'footwear', quantity: 1 }],
    });
    const created = await mutateOk(t, principals.partner('mkp_demo_a'), 'requestReturn', {
      orderId: order.id,
      channel: 'MARKETPLACE',
      lines: [lineInput(order.lines[0]?.id as string)],
    });
    const unknown = newId('ret');
    const other = principals.partner('mkp_demo_b');
    const [foreign, missing] = [
      await mutate(t, other, 'cancelReturn', { returnId: created.id }),
      await mutate(t, other, 'cancelReturn', { returnId: unknown }),
    ];
    expect(foreign.payload?.userErrors[0]?.code).toBe('RETURN_NOT_FOUND');
    expect(withoutId(foreign, created.id)).toEqual(withoutId(missing, unknown));
  });
});

import type { RunningSubgraph } from '../../platform/subgraph';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { principals } from '../../test/support/principals';
import { subgraphRequest } from '../../test/support/subgraph-client';
import { DEMO_ANCHOR, generateDemoOrders, seedDemoOrders } from '../../demo/orders';
import { startOrdersSubgraph } from './testing/orders-kit';

let database: TestDatabase;
let subgraph: RunningSubgraph;
const demo = generateDemoOrders({ anchor: DEMO_ANCHOR });
const own = demo.find((o) => o.order.customerId === 'cus_demo_0001')!;
const other = demo.find((o) => o.order.customerId !== 'cus_demo_0001' && o.order.marketplacePartnerId !== 'mkp_demo_a')!;
const partnerOrder = demo.find((o) => o.order.marketplacePartnerId === 'mkp_demo_a')!;
const LOOKUP = `query($id: ID!, $number: String!) { order(id: $id) { id } orderByNumber(number: $number) { id } }`;
const LIST = `query($customerId: ID) { orders(first: 100, customerId: $customerId) { edges { node { id customer { id } marketplacePartnerId } } totalCount } }`;
const ENTITIES = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Order { id } ... on OrderLine { id } } }`;

interface ListData {
  orders: { edges: { node: { id: string; customer: { id: string }; marketplacePartnerId: string | null } }[]; totalCount: number };
}

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemoOrders(database.db, { anchor: DEMO_ANCHOR });
  subgraph = await startOrdersSubgraph(database.db);
});
afterAll(async () => {
  await subgraph?.close();
  await database?.drop();
});

describe('customer tenancy', () => {
  const customer = principals.customer('cus_demo_0001');

  it('shows a customer their own order by id and by number', async () => {
    const res = await subgraphRequest(subgraph.url, customer, LOOKUP, { id: own.order.id, number: own.order.number });
    expect(res.data).toEqual({ order: { id: own.order.id }, orderByNumber: { id: own.order.id } });
  });

  it("answers null for another customer's order, also as an entity reference", async () => {
    const res = await subgraphRequest(subgraph.url, customer, LOOKUP, { id: other.order.id, number: other.order.number });
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ order: null, orderByNumber: null });
    const entities = await subgraphRequest<{ _entities: unknown[] }>(subgraph.url, customer, ENTITIES, {
      reps: [
        { __typename: 'Order', id: other.order.id },
        { __typename: 'OrderLine', id: other.lines[0]!.id },
        { __typename: 'Order', id: own.order.id },
      ],
    });
    expect(entities.data?._entities).toEqual([null, null, { id: own.order.id }]);
  });

  it("answers null for another customer's order number asked on its own", async () => {
    const res = await subgraphRequest(subgraph.url, customer, `query($number: String!) { orderByNumber(number: $number) { id } }`, {
      number: other.order.number,
    });
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ orderByNumber: null });
  });

  it("lists only the customer's own orders, whatever customerId the arguments name", async () => {
    const mine = demo.filter((o) => o.order.customerId === 'cus_demo_0001').length;
    const all = await subgraphRequest<ListData>(subgraph.url, customer, LIST);
    expect(all.data!.orders.totalCount).toBe(mine);
    expect(all.data!.orders.edges.every((e) => e.node.customer.id === 'cus_demo_0001')).toBe(true);
    const foreign = await subgraphRequest<ListData>(subgraph.url, customer, LIST, { customerId: other.order.customerId });
    expect(foreign.data!.orders).toEqual({ edges: [], totalCount: 0 });
  });
});

describe('marketplace partner tenancy', () => {
  const partner = principals.partner('mkp_demo_a');

  it("shows a partner its own orders and null for anyone else's", async () => {
    const mine = await subgraphRequest(subgraph.url, partner, LOOKUP, { id: partnerOrder.order.id, number: partnerOrder.order.number });
    expect(mine.data).toEqual({ order: { id: partnerOrder.order.id }, orderByNumber: { id: partnerOrder.order.id } });
    const byNumber = await subgraphRequest(subgraph.url, partner, `query($number: String!) { orderByNumber(number: $number) { id } }`, {
      number: other.order.number,
    });
    expect(byNumber.data).toEqual({ orderByNumber: null });
    const theirs = await subgraphRequest(subgraph.url, partner, LOOKUP, { id: other.order.id, number: other.order.number });
    expect(theirs.data).toEqual({ order: null, orderByNumber: null });
  });

  it("lists only the partner's orders", async () => {
    const res = await subgraphRequest<ListData>(subgraph.url, partner, LIST);
    expect(res.data!.orders.totalCount).toBe(demo.filter((o) => o.order.marketplacePartnerId === 'mkp_demo_a').length);
    expect(res.data!.orders.edges.every((e) => e.node.marketplacePartnerId === 'mkp_demo_a')).toBe(true);
  });
});

describe('staff', () => {
  it('lets a store associate find an online order of any customer', async () => {
    const online = demo.find((o) => o.order.channel === 'ECOMMERCE')!;
    const res = await subgraphRequest(subgraph.url, principals.storeAssociate('loc_store_sfo'), LOOKUP, { id: online.order.id, number: online.order.number });
    expect(res.data).toEqual({ order: { id: online.order.id }, orderByNumber: { id: online.order.id } });
  });
});

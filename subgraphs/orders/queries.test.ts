import type { RunningSubgraph } from '../../platform/subgraph';
import { formatMinor } from '../../platform/money';
import { INTERNAL_PRINCIPAL_HEADER, InternalTokens } from '../../platform/auth';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { principals } from '../../test/support/principals';
import { postGraphQL, subgraphRequest } from '../../test/support/subgraph-client';
import { DEMO_ANCHOR, generateDemoOrders, seedDemoOrders } from '../../demo/orders';
import { ORDER_FIELDS, startOrdersSubgraph } from './testing/orders-kit';

interface OrderView {
  id: string;
  number: string;
  channel: string;
  placedAt: string;
  customer: { id: string };
  lines: { lineNumber: number; sku: string; total: { amount: string }; unitPrice: { amount: string; currencyCode: string } }[];
  payments: { capturedAmount: { amount: string } }[];
  totals: { total: { amount: string; currencyCode: string }; capturedTotal: { amount: string }; subtotal: { amount: string } };
}
interface Page {
  orders: {
    edges: { cursor: string; node: { id: string; placedAt: string; channel: string; customer: { id: string } } }[];
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
    totalCount: number;
  };
}

const PAGE_QUERY = `query($first: Int, $after: String, $customerId: ID, $channel: Channel, $storeId: ID) {
  orders(first: $first, after: $after, customerId: $customerId, channel: $channel, storeId: $storeId) {
    edges { cursor node { id placedAt channel storeId customer { id } } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
    totalCount
  }
}`;

let database: TestDatabase;
let subgraph: RunningSubgraph;
const demo = generateDemoOrders({ anchor: DEMO_ANCHOR });
const first = demo[0]!;
const staff = principals.serviceDesk();

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemoOrders(database.db, { anchor: DEMO_ANCHOR });
  subgraph = await startOrdersSubgraph(database.db);
});
afterAll(async () => {
  await subgraph?.close();
  await database?.drop();
});

describe('order lookup', () => {
  it('returns an order by id with its lines, payments and totals as decimal strings', async () => {
    const res = await subgraphRequest<{ order: OrderView }>(subgraph.url, staff, `query($id: ID!) { order(id: $id) { ${ORDER_FIELDS} } }`, {
      id: first.order.id,
    });
    expect(res.errors).toBeUndefined();
    const order = res.data!.order;
    expect(order.number).toBe('R100001');
    expect(order.lines.map((l) => l.sku)).toEqual(first.lines.map((l) => l.sku));
    expect(order.lines.map((l) => l.lineNumber)).toEqual(first.lines.map((_, i) => i + 1));
    expect(order.lines[0]!.unitPrice).toEqual({ amount: formatMinor(first.lines[0]!.unitPriceMinor, 'USD'), currencyCode: 'USD' });
    expect(order.totals.total).toEqual({ amount: formatMinor(first.order.totalMinor, 'USD'), currencyCode: 'USD' });
    expect(order.totals.total.amount).toMatch(/^\d+\.\d{2}$/);
    expect(order.totals.capturedTotal.amount).toBe(order.totals.total.amount);
    expect(order.payments).toHaveLength(first.payments.length);
  });

  it('returns the same order by number, ignoring case and surrounding spaces', async () => {
    const res = await subgraphRequest<{ orderByNumber: { id: string } }>(subgraph.url, staff, `{ orderByNumber(number: " r100001 ") { id } }`);
    expect(res.data?.orderByNumber).toEqual({ id: first.order.id });
  });

  it('returns null for an unknown id and an unknown number', async () => {
    const res = await subgraphRequest(subgraph.url, staff, `{ order(id: "ord_00000000000000000000000000") { id } orderByNumber(number: "R999999") { id } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ order: null, orderByNumber: null });
  });

  it('refuses a malformed id with BAD_USER_INPUT', async () => {
    const res = await subgraphRequest(subgraph.url, staff, `{ order(id: "R100001") { id } }`);
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0]?.message).toBe('"R100001" is not a valid order id.');
  });
});

describe('orders connection', () => {
  it('pages newest first without overlapping or skipping', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const res: { data?: Page | null } = await subgraphRequest<Page>(subgraph.url, staff, PAGE_QUERY, { first: 100, after });
      const page: Page['orders'] = res.data!.orders;
      seen.push(...page.edges.map((e) => e.node.id));
      expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
      pages += 1;
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(pages).toBe(10);
    expect(new Set(seen).size).toBe(demo.length);
    const expected = [...demo].sort((a, b) => b.order.placedAt.getTime() - a.order.placedAt.getTime() || (a.order.id < b.order.id ? 1 : -1));
    expect(seen).toEqual(expected.map((o) => o.order.id));
  });

  it('says there is no next page on the last page and counts all matches', async () => {
    const res = await subgraphRequest<Page>(subgraph.url, staff, PAGE_QUERY, { first: 100, customerId: 'cus_demo_0001' });
    const mine = demo.filter((o) => o.order.customerId === 'cus_demo_0001');
    expect(res.data!.orders.edges).toHaveLength(mine.length);
    expect(res.data!.orders.pageInfo.hasNextPage).toBe(false);
    expect(res.data!.orders.totalCount).toBe(mine.length);
    const limited = await subgraphRequest<Page>(subgraph.url, staff, PAGE_QUERY, { first: mine.length - 1, customerId: 'cus_demo_0001' });
    expect(limited.data!.orders.pageInfo.hasNextPage).toBe(true);
  });

  it('filters by customer, channel and store', async () => {
    const byCustomer = await subgraphRequest<Page>(subgraph.url, staff, PAGE_QUERY, { first: 50, customerId: 'cus_demo_0001' });
    expect(byCustomer.data!.orders.edges.length).toBeGreaterThan(3);
    expect(byCustomer.data!.orders.edges.every((e) => e.node.customer.id === 'cus_demo_0001')).toBe(true);
    const pos = await subgraphRequest<Page>(subgraph.url, staff, PAGE_QUERY, { first: 100, channel: 'POS', storeId: 'loc_store_nyc' });
    const expected = demo.filter((o) => o.order.channel === 'POS' && o.order.storeId === 'loc_store_nyc');
    expect(pos.data!.orders.totalCount).toBe(expected.length);
    expect(pos.data!.orders.edges.every((e) => e.node.channel === 'POS')).toBe(true);
  });

  it('answers an empty page that still says more orders follow when first is 0', async () => {
    const res = await subgraphRequest<Page>(subgraph.url, staff, PAGE_QUERY, { first: 0 });
    expect(res.data!.orders.edges).toEqual([]);
    expect(res.data!.orders.pageInfo.hasNextPage).toBe(true);
  });

  it('refuses a page size outside 0–100 with BAD_USER_INPUT', async () => {
    for (const first of [-1, 101]) {
      const res = await subgraphRequest(subgraph.url, staff, PAGE_QUERY, { first });
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });

  it('refuses a tampered cursor with BAD_USER_INPUT', async () => {
    const forged = Buffer.from(JSON.stringify(['2026-01-01T00:00:00.000Z', "x' OR 1=1"])).toString('base64url');
    for (const after of ['not-a-cursor', forged]) {
      const res = await subgraphRequest(subgraph.url, staff, PAGE_QUERY, { first: 5, after });
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });
});

describe('authentication', () => {
  it('answers a request without a valid internal token with UNAUTHENTICATED', async () => {
    const none = await postGraphQL(`${subgraph.url}/graphql`, `{ orders(first: 1) { totalCount } }`);
    expect(none.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(none.data ?? null).toBeNull();
    const foreign = await new InternalTokens('another-secret-that-is-long-enough-0123').sign(staff);
    const forged = await postGraphQL(`${subgraph.url}/graphql`, `{ orders(first: 1) { totalCount } }`, {}, { [INTERNAL_PRINCIPAL_HEADER]: foreign });
    expect(forged.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

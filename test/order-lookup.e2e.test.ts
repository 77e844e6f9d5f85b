import { startTestGraph, type TestGraph } from './support/graph';
import { principals } from './support/principals';
import { postGraphQL, subgraphRequest } from './support/subgraph-client';
import { newId } from '../platform/ids';

let t: TestGraph;

beforeAll(async () => {
  t = await startTestGraph();
});

afterAll(async () => {
  await t.close();
});

const ORDER_WITH_EVERYTHING = `
  query($number: String!) {
    orderByNumber(number: $number) {
      id number channel currencyCode
      totals { total { amount currencyCode } capturedTotal { amount } }
      payments { provider method capturedAmount { amount } }
      lines { sku quantity unitPrice { amount } inventoryItem { sku availability(locationIds: ["loc_wh_nj"]) { location { id name } availableToSell onHand } } }
      returns { id status }
      refunds { id status }
    }
  }`;

type OrderResult = {
  orderByNumber: {
    id: string;
    number: string;
    totals: { total: { amount: string; currencyCode: string }; capturedTotal: { amount: string } };
    lines: { sku: string; inventoryItem: { sku: string; availability: { location: { id: string; name: string }; availableToSell: number }[] } }[];
    returns: unknown[];
    refunds: unknown[];
  } | null;
};

describe('order lookup through the gateway', () => {
  it('resolves an order with fields from all four subgraphs in one request', async () => {
    const response = await t.query<OrderResult>(principals.serviceDesk(), ORDER_WITH_EVERYTHING, { number: 'R100001' });
    expect(response.errors).toBeUndefined();
    const order = response.data?.orderByNumber;
    expect(order?.number).toBe('R100001');
    expect(order?.totals.total.amount).toMatch(/^\d+\.\d{2}$/);
    expect(order?.totals.capturedTotal.amount).toBe(order?.totals.total.amount);
    expect(order?.lines.length).toBeGreaterThan(0);
    for (const line of order?.lines ?? []) {
      expect(line.inventoryItem.sku).toBe(line.sku);
      expect(line.inventoryItem.availability).toEqual([expect.objectContaining({ location: { id: 'loc_wh_nj', name: 'New Jersey Fulfilment Center' } })]);
    }
    // Returns and refunds are empty until their flows exist, but they are resolved by their subgraphs.
    expect(order?.returns).toEqual([]);
    expect(order?.refunds).toEqual([]);
  });

  it('pages through orders without overlap and filters by channel', async () => {
    const page = `query($after: String) { orders(first: 25, after: $after, channel: POS) { edges { cursor node { id channel storeId } } pageInfo { hasNextPage endCursor } } }`;
    type Page = {
      orders: { edges: { node: { id: string; channel: string; storeId: string | null } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
    };
    const seen = new Set<string>();
    let after: string | undefined;
    for (let i = 0; i < 3; i++) {
      const response = await t.query<Page>(principals.operations(), page, { after });
      expect(response.errors).toBeUndefined();
      const edges = response.data?.orders.edges ?? [];
      expect(edges).toHaveLength(25);
      for (const { node } of edges) {
        expect(node.channel).toBe('POS');
        expect(node.storeId).toMatch(/^loc_store_/);
        expect(seen.has(node.id)).toBe(false);
        seen.add(node.id);
      }
      expect(response.data?.orders.pageInfo.hasNextPage).toBe(true);
      after = response.data?.orders.pageInfo.endCursor;
    }
    expect(seen.size).toBe(75);
  });

  it('gives null for an unknown order and BAD_USER_INPUT for a malformed id', async () => {
    const unknown = await t.query(principals.serviceDesk(), `query($id: ID!) { order(id: $id) { id } }`, { id: newId('ord') });
    expect(unknown.errors).toBeUndefined();
    expect(unknown.data).toEqual({ order: null });
    const malformed = await t.query(principals.serviceDesk(), `{ order(id: "12345") { id } }`);
    expect(malformed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses a missing or invalid token with UNAUTHENTICATED', async () => {
    const missing = await postGraphQL(t.url, '{ orders(first: 1) { edges { cursor } } }');
    expect(missing.status).toBe(401);
    expect(missing.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const invalid = await postGraphQL(t.url, '{ orders(first: 1) { edges { cursor } } }', {}, { authorization: 'Bearer not.a.token' });
    expect(invalid.status).toBe(401);
    expect(invalid.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a forged principal sent straight to a subgraph', async () => {
    const orders = t.graph.subgraphs.find((s) => s.name === 'orders');
    const forged = await postGraphQL(
      `${orders?.url}/graphql`,
      '{ orders(first: 1) { edges { cursor } } }',
      {},
      {
        'x-internal-principal': Buffer.from(JSON.stringify({ sub: 'me', roles: ['operations_admin'] })).toString('base64url'),
      },
    );
    expect(forged.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(forged.data ?? null).toBeNull();
  });

  it('scopes a customer to their own orders, across subgraphs', async () => {
    const own = await t.query<{ orders: { edges: { node: { customer: { id: string } } }[] } }>(
      principals.customer('cus_demo_0001'),
      `{ orders(first: 50) { edges { node { customer { id } } } } }`,
    );
    expect(own.errors).toBeUndefined();
    expect(own.data?.orders.edges.length).toBeGreaterThan(0);
    expect(own.data?.orders.edges.every((edge) => edge.node.customer.id === 'cus_demo_0001')).toBe(true);
    const someoneElses = await t.query<OrderResult>(principals.customer('cus_demo_0199'), ORDER_WITH_EVERYTHING, { number: 'R100001' });
    const r100001 = await t.query<OrderResult>(principals.operations(), `{ orderByNumber(number: "R100001") { customer { id } } }`);
    const owner = (r100001.data?.orderByNumber as unknown as { customer: { id: string } }).customer.id;
    if (owner !== 'cus_demo_0199') expect(someoneElses.data?.orderByNumber).toBeNull();
  });

  it('honours x-correlation-id, returns it, and forwards it to subgraphs', async () => {
    const response = await t.query(principals.serviceDesk(), `{ orderByNumber(number: "R100002") { id } }`, {}, { 'x-correlation-id': 'pos-till-7:abc123' });
    expect(response.headers.get('x-correlation-id')).toBe('pos-till-7:abc123');
    const generated = await t.query(principals.serviceDesk(), `{ orderByNumber(number: "R100002") { id } }`);
    expect(generated.headers.get('x-correlation-id')).toMatch(/^[A-Za-z0-9._:-]{8,}$/);
  });

  it('answers the health and readiness probes', async () => {
    expect((await fetch(`${t.graph.gateway.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${t.graph.gateway.url}/readyz`);
    expect(ready.status).toBe(200);
  });

  it('serves subgraphs only to callers with a signed principal, as the gateway sends', async () => {
    const orders = t.graph.subgraphs.find((s) => s.name === 'orders');
    const direct = await subgraphRequest<{ orderByNumber: { number: string } }>(
      `${orders?.url}`,
      principals.serviceDesk(),
      `{ orderByNumber(number: "R100003") { number } }`,
    );
    expect(direct.data?.orderByNumber.number).toBe('R100003');
  });
});

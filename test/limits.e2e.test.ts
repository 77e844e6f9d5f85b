import { DEMO_PRODUCTS } from '../demo/catalog';
import { MAX_AVAILABILITY_SKUS } from '../contracts/query-limits';
import { MAX_SUBSCRIPTIONS_PER_CONNECTION, MAX_SUBSCRIPTIONS_PER_PRINCIPAL, TOO_MANY_SUBSCRIPTIONS } from '../gateway/subscriptions/quota';
import type { Principal } from '../platform/auth';
import { startTestGraph, type TestGraph } from './support/graph';
import { principals } from './support/principals';
import { connect, waitUntil, type Subscription, type WsConnection } from './support/subscription-client';

/**
 * Limits that match the real cost, through the whole graph: operations priced from their argument
 * sizes and refused before any subgraph is called; the README's honest queries still served;
 * subscriptions capped per connection and per principal.
 */
let t: TestGraph;
let subgraphRequests = 0;
const connections: WsConnection[] = [];

beforeAll(async () => {
  t = await startTestGraph();
  for (const subgraph of t.graph.subgraphs) subgraph.server.on('request', () => subgraphRequests++);
});

afterAll(async () => {
  await Promise.all(connections.map((connection) => connection.dispose()));
  await t.close();
});

/** Runs `action` and returns how many HTTP requests the subgraphs received meanwhile. */
async function subgraphCallsDuring(action: () => Promise<unknown>): Promise<number> {
  const before = subgraphRequests;
  await action();
  return subgraphRequests - before;
}

/** `count` SKUs, cycling through the demo catalogue (the request's size is what matters). */
const skus = (count: number) => Array.from({ length: count }, (_, i) => `${DEMO_PRODUCTS[i % DEMO_PRODUCTS.length]!.sku}`);

const STOCK_LEVEL = 'sku location { id name } availableToSell onHand quantities { state quantity }';

describe('operation cost from argument sizes', () => {
  it('refuses 18 aliases of availability over 250 SKUs with QUERY_TOO_COMPLEX before any subgraph call', async () => {
    const aliases = Array.from({ length: 18 }, (_, i) => `a${i}: availability(skus: $skus) { ${STOCK_LEVEL} }`).join('\n');
    let response: Awaited<ReturnType<TestGraph['query']>> | undefined;
    const calls = await subgraphCallsDuring(async () => {
      response = await t.query(principals.customer(), `query($skus: [String!]!) { ${aliases} }`, { skus: skus(250) });
    });
    expect(response?.status).toBe(400);
    expect(response?.data).toBeUndefined();
    expect(response?.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'QUERY_TOO_COMPLEX' }) })]);
    expect(calls).toBe(0);
  });

  it('prices one availability over every location by the declared location bound', async () => {
    let response: Awaited<ReturnType<TestGraph['query']>> | undefined;
    const calls = await subgraphCallsDuring(async () => {
      response = await t.query(principals.customer(), `query($skus: [String!]!) { availability(skus: $skus) { ${STOCK_LEVEL} } }`, { skus: skus(250) });
    });
    expect(response?.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(calls).toBe(0);
  });

  it('refuses more SKUs than availability accepts with BAD_USER_INPUT before any subgraph call', async () => {
    let response: Awaited<ReturnType<TestGraph['query']>> | undefined;
    const calls = await subgraphCallsDuring(async () => {
      response = await t.query(principals.customer(), `query($skus: [String!]!) { availability(skus: $skus, locationIds: ["loc_wh_nj"]) { sku } }`, {
        skus: skus(MAX_AVAILABILITY_SKUS + 1),
      });
    });
    expect(response?.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', argument: 'skus' }) })]);
    expect(calls).toBe(0);
  });

  it('serves 250 SKUs at named locations, the largest honest availability request', async () => {
    const response = await t.query<{ availability: unknown[] }>(
      principals.storeAssociate(),
      `query($skus: [String!]!) { availability(skus: $skus, locationIds: ["loc_store_nyc"]) { sku availableToSell } }`,
      {
        skus: skus(250),
      },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?.availability).toHaveLength(250);
  });
});

describe("the README's POS and web queries", () => {
  it('answers the order lookup, own orders, availability and refund status examples', async () => {
    const lookup = await t.query<{ orderByNumber: { lines: { sku: string }[] } }>(
      principals.storeAssociate('loc_store_nyc'),
      '{ orderByNumber(number: "R100001") { number channel totals { total { amount currencyCode } } lines { sku quantity inventoryItem { availability { location { name } availableToSell } } } returns { id status } refunds { id status } } }',
    );
    expect(lookup.errors).toBeUndefined();
    expect(lookup.data?.orderByNumber.lines.length).toBeGreaterThan(0);

    const customer = principals.customer();
    const ownOrders = await t.query(
      customer,
      '{ orders(first: 10) { edges { node { number placedAt totals { total { amount } } } } pageInfo { hasNextPage endCursor } } }',
    );
    expect(ownOrders.errors).toBeUndefined();

    const stock = await t.query<{ availability: unknown[] }>(
      customer,
      '{ availability(skus: ["SKU-APP-001", "SKU-FTW-002"], locationIds: ["loc_store_nyc", "loc_wh_nj"]) { sku location { name } availableToSell onHand quantities { state quantity } } }',
    );
    expect(stock.errors).toBeUndefined();
    expect(stock.data?.availability).toHaveLength(4);

    const refunds = await t.query(
      customer,
      '{ orders(first: 5) { edges { node { number refunds { status amount { amount } breakdown { lines { kind sku total { amount } } } creditMemo { status } } } } } }',
    );
    expect(refunds.errors).toBeUndefined();
  });

  it('answers the counter examples: return eligibility and authorizing a return', async () => {
    const lookup = await t.query<{ orderByNumber: { id: string; lines: { id: string }[] } }>(
      principals.serviceDesk(),
      '{ orderByNumber(number: "R100002") { id lines { id } } }',
    );
    const order = lookup.data!.orderByNumber;
    const clerk = principals.storeAssociate('loc_store_nyc');
    const eligibility = await t.query(
      clerk,
      `{ returnEligibility(orderId: "${order.id}", channel: POS, storeId: "loc_store_nyc") {
      eligible refundMethods lines { sku returnableQuantity windowEndsAt reasons { code message } } } }`,
    );
    expect(eligibility.errors).toBeUndefined();

    const authorized = await t.query<{ authorizeReturn: { userErrors: unknown[] } }>(
      clerk,
      `mutation { authorizeReturn(idempotencyKey: "limits-readme-1", input: {
        orderId: "${order.id}", channel: POS, storeId: "loc_store_nyc", receiveNow: true,
        lines: [{ orderLineId: "${order.lines[0]!.id}", quantity: 1, reason: SIZE_TOO_SMALL }] }) {
        return { number status lines { state } refunds { status amount { amount } } } userErrors { code field message } } }`,
    );
    expect(authorized.errors).toBeUndefined();
    expect(authorized.data?.authorizeReturn).toBeDefined();
  });
});

describe('subscription caps', () => {
  const STATUS =
    'subscription { returnStatusChanged(storeId: "loc_store_nyc") { cursor sequence status return { number order { number } refunds { status } } } }';
  const live = () => t.graph.gateway.subscriberCount();

  async function open(principal: Principal): Promise<WsConnection> {
    const connection = connect(t.url.replace(/^http/, 'ws'), await t.tokenFor(principal));
    connections.push(connection);
    return connection;
  }

  /** Opens `count` subscriptions on `connection` and waits until the gateway holds them all. */
  async function fill(connection: WsConnection, count: number): Promise<Subscription<unknown>[]> {
    const before = live();
    const subscriptions = Array.from({ length: count }, () => connection.subscribe(STATUS));
    await waitUntil(
      () => live() === before + count,
      () => `${live() - before} of ${count} subscriptions live`,
    );
    return subscriptions;
  }

  async function refused(subscription: Subscription<unknown>): Promise<void> {
    await subscription.ended();
    expect(subscription.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: TOO_MANY_SUBSCRIPTIONS }) })]);
  }

  it('refuses the subscription past the per-connection cap and keeps the others', async () => {
    const connection = await open(principals.storeAssociate('loc_store_nyc'));
    const accepted = await fill(connection, MAX_SUBSCRIPTIONS_PER_CONNECTION);
    const calls = await subgraphCallsDuring(() => refused(connection.subscribe(STATUS)));
    expect(calls).toBe(0);
    expect(accepted.every((subscription) => !subscription.finished && subscription.errors.length === 0)).toBe(true);
    expect(live()).toBe(MAX_SUBSCRIPTIONS_PER_CONNECTION);
    // A freed place can be taken again.
    accepted[0]!.unsubscribe();
    await waitUntil(
      () => live() === MAX_SUBSCRIPTIONS_PER_CONNECTION - 1,
      () => `${live()} live`,
    );
    await fill(connection, 1);
    await connection.dispose();
    await waitUntil(
      () => live() === 0,
      () => `${live()} live after dispose`,
    );
  });

  it('refuses the subscription past the per-principal cap across connections, and frees places when a connection closes', async () => {
    const manager = principals.storeManager('loc_store_nyc');
    const connectionsNeeded = Math.ceil(MAX_SUBSCRIPTIONS_PER_PRINCIPAL / MAX_SUBSCRIPTIONS_PER_CONNECTION);
    const used: WsConnection[] = [];
    for (let i = 0; i < connectionsNeeded; i++) {
      const connection = await open(manager);
      used.push(connection);
      const remaining = MAX_SUBSCRIPTIONS_PER_PRINCIPAL - i * MAX_SUBSCRIPTIONS_PER_CONNECTION;
      await fill(connection, Math.min(MAX_SUBSCRIPTIONS_PER_CONNECTION, remaining));
    }
    expect(live()).toBe(MAX_SUBSCRIPTIONS_PER_PRINCIPAL);
    const another = await open(manager);
    await refused(another.subscribe(STATUS));
    // Someone else is not affected by this principal's use.
    const other = await open(principals.storeAssociate('loc_store_nyc'));
    await fill(other, 1);
    // Closing a connection gives its places back.
    await used[0]!.dispose();
    await waitUntil(
      () => live() === MAX_SUBSCRIPTIONS_PER_PRINCIPAL - MAX_SUBSCRIPTIONS_PER_CONNECTION + 1,
      () => `${live()} live`,
    );
    await fill(another, 1);
  });

  it('refuses an over-costly subscription selection with QUERY_TOO_COMPLEX', async () => {
    const connection = await open(principals.serviceDesk());
    const deep = `subscription { returnStatusChanged { return { order { lines { inventoryItem { availability { quantities { state quantity } location { name } } } } } } } }`;
    const subscription = connection.subscribe(deep);
    await subscription.ended();
    expect(subscription.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'QUERY_TOO_COMPLEX' }) })]);
  });
});

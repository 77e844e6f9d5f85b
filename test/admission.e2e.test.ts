import { randomUUID } from 'node:crypto';
import { startTestGraph, type TestGraph } from './support/graph';
import { inPool } from './support/authz-fixtures';
import { principals } from './support/principals';
import { recordOrderOnly, waitForSnapshots, type RecordedOrder } from './support/returns-kit';
import { postGraphQL, type GraphQLResponse } from './support/subgraph-client';
import { scrape, sum } from './support/metrics-scrape';

/**
 * Admission control through the whole graph on PostgreSQL: a gateway allowed 2 operations in flight
 * and 2 waiting receives a burst of `authorizeReturn`s, one per order, each with its own idempotency
 * key. Past the bounds requests are refused with 503 before any work; nothing accepted is lost,
 * nothing refused is applied, and a refused one retried with its key is applied once.
 */
let t: TestGraph;

/** Tiny bounds, so a burst of a few dozen requests must overflow them. The wait is long: here only a full queue refuses. */
const LIMITS = { maxInFlight: 2, maxQueued: 2, maxQueueWaitMs: 20_000, writeReserve: 1 };
/** Requests in the burst: ten times what the gateway holds at once. */
const BURST = 40;

beforeAll(async () => {
  t = await startTestGraph({ seed: false, admission: LIMITS });
});

afterAll(async () => {
  await t.close();
});

const AUTHORIZE = `mutation($input: AuthorizeReturnInput!, $key: String!) { authorizeReturn(input: $input, idempotencyKey: $key) {
  return { id status } userErrors { code message } } }`;

type Authorized = { authorizeReturn: { return: { id: string; status: string } | null; userErrors: { code: string; message: string }[] } };

/** One till's request: a unit of `order` back at the NYC store, under `key`. */
async function authorize(token: string, order: RecordedOrder, key: string): Promise<GraphQLResponse<Authorized>> {
  const input = {
    orderId: order.id,
    channel: 'POS',
    storeId: 'loc_store_nyc',
    lines: [{ orderLineId: order.lines[0]?.id, quantity: 1, reason: 'SIZE_TOO_LARGE' }],
  };
  return postGraphQL<Authorized>(t.url, AUTHORIZE, { input, key }, { authorization: `Bearer ${token}` });
}

/** Returns taken on each order, by order id. */
async function returnsPerOrder(orders: readonly RecordedOrder[]): Promise<Map<string, number>> {
  const { rows } = await t.database.db.query<{ order_id: string; n: number }>(
    `SELECT order_id, count(*)::int8 AS n FROM returns.returns WHERE order_id = ANY($1) GROUP BY order_id`,
    [orders.map((order) => order.id)],
  );
  return new Map(rows.map((row) => [row.order_id, Number(row.n)]));
}

describe('admission control at the gateway', () => {
  it('refuses a burst past its bounds with 503 and Retry-After before any work, and loses nothing it accepted', async () => {
    // Each order its own customer: a customer's third return would be held for review, which is not what this measures.
    // Two at a time, so setting up never overflows the gateway.
    const orders = await inPool(
      Array.from(
        { length: BURST },
        () => () =>
          recordOrderOnly(t, { customerId: `cus_adm_${randomUUID().slice(0, 8)}`, lines: [{ sku: 'SKU-APP-001', category: 'apparel', quantity: 2 }] }),
      ),
      LIMITS.maxInFlight,
    );
    await waitForSnapshots(
      t.database.db,
      orders.map((order) => order.id),
    );
    const token = await t.tokenFor(principals.storeManager('loc_store_nyc'));
    const keys = orders.map(() => `till-${randomUUID()}`);

    // A health probe sent with the burst is answered like any other: probes are never subject to admission.
    const [answers, health] = await Promise.all([
      Promise.all(orders.map((order, i) => authorize(token, order, keys[i] as string))),
      fetch(`${t.graph.gateway.url}/healthz`),
    ]);
    expect(health.status).toBe(200);

    const accepted = answers.flatMap((answer, i) => (answer.status === 200 ? [i] : []));
    const refused = answers.flatMap((answer, i) => (answer.status === 503 ? [i] : []));
    expect(accepted.length + refused.length).toBe(BURST);
    // The first requests find free slots and room in the queue; the rest of a 40-request burst cannot all.
    expect(accepted.length).toBeGreaterThanOrEqual(LIMITS.maxInFlight);
    expect(refused.length).toBeGreaterThan(0);
    for (const i of accepted) {
      expect(answers[i]?.data?.authorizeReturn).toMatchObject({ return: { status: 'AUTHORIZED' }, userErrors: [] });
    }
    for (const i of refused) {
      const answer = answers[i] as GraphQLResponse<Authorized>;
      expect(answer.headers.get('retry-after')).toBe('20');
      expect(answer.data).toBeUndefined();
      expect(answer.errors).toEqual([
        { message: expect.stringContaining('retry in 20 s'), extensions: { code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 20 } },
      ]);
    }

    // Every accepted request applied once; no refused one applied at all.
    const taken = await returnsPerOrder(orders);
    for (const i of accepted) expect(taken.get(orders[i]?.id as string)).toBe(1);
    for (const i of refused) expect(taken.get(orders[i]?.id as string)).toBeUndefined();

    // Retried one at a time with the same keys: each refused request is applied once, and an accepted one replays its answer.
    const retried = await inPool(
      refused.map((i) => () => authorize(token, orders[i] as RecordedOrder, keys[i] as string)),
      1,
    );
    for (const answer of retried) expect(answer.data?.authorizeReturn).toMatchObject({ return: { status: 'AUTHORIZED' }, userErrors: [] });
    const first = accepted[0] as number;
    const replay = await authorize(token, orders[first] as RecordedOrder, keys[first] as string);
    expect(replay.data?.authorizeReturn.return?.id).toBe(answers[first]?.data?.authorizeReturn.return?.id);
    const after = await returnsPerOrder(orders);
    expect(orders.map((order) => after.get(order.id))).toEqual(orders.map(() => 1));

    // The refusals are counted, in the write lane; nothing is left waiting.
    const samples = await scrape(t.graph.gateway.url);
    expect(sum(samples, 'returns_graph_gateway_admission_refused_total', { lane: 'write', reason: 'queue_full' })).toBe(refused.length);
    expect(sum(samples, 'returns_graph_gateway_admission_queued')).toBe(0);
  });
});

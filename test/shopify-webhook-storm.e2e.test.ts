import { startTestGraph, type TestGraph } from './support/graph';
import { TEST_SETTINGS } from './support/settings';
import { FakeShopify } from '../connectors/commerce/shopify/testing';
import { principals } from './support/principals';
import { waitFor } from '../platform/events/testing/bus-kit';
import { mutate, waitForSnapshots } from './support/returns-kit';

/**
 * A storm of Shopify webhooks at the orders service, as Shopify sends them at peak: every delivery
 * retried (the same event id again), updates that overtake their create, and a forged delivery.
 * Each event is stored once and answered 200; the forged one is refused and stored nowhere; every
 * order ends in its newest state, recorded once.
 */
const ORDERS = 12;
/** Copies of each event: Shopify retries a delivery it thinks failed, with the same event id. */
const COPIES = 3;
const WAIT_MS = 60_000;

let shopify: FakeShopify;
let graph: TestGraph;

beforeAll(async () => {
  shopify = await FakeShopify.start();
  graph = await startTestGraph({ seed: false, settings: { ...TEST_SETTINGS, commerce: { connector: 'shopify', ...shopify.connectorOptions() } } });
}, 90_000);

afterAll(async () => {
  await graph?.close();
  await shopify?.stop();
});

const count = async (sql: string, params: unknown[] = []) => Number((await graph.database.db.query<{ n: string }>(sql, params)).rows[0]?.n);

it('stores each event once, refuses a forged one, and leaves every order in its newest state', async () => {
  const url = `${graph.graph.subgraphs.find((subgraph) => subgraph.name === 'orders')?.url}/webhooks/commerce/shopify`;
  shopify.seedLocation({ name: 'DC', city: 'Reno' });
  const deliveries: { topic: string; payload: Record<string, unknown>; eventId: string }[] = [];
  for (let n = 0; n < ORDERS; n++) {
    const order = shopify.seedOrder({ lines: [{ sku: `STORM-${n}`, price: '10.00', quantity: 1 + (n % 3) }] });
    deliveries.push({ topic: 'orders/create', payload: shopify.orderPayload(order.id), eventId: `evt-create-${n}` });
    // The order ships and arrives; Shopify's `updated` may overtake the `create` (sent below in shuffled order).
    shopify.fulfilOrder(order.id, { delivered: true });
    deliveries.push({ topic: 'orders/updated', payload: shopify.orderPayload(order.id), eventId: `evt-updated-${n}` });
  }
  const storm = deliveries.flatMap((delivery) => Array.from({ length: COPIES }, () => delivery));
  // A fixed shuffle (no Math.random: the test must be the same every run): position i goes to i × 37 mod n, a permutation since 37 is prime to n.
  const shuffled = storm.map((_, i) => storm[(i * 37) % storm.length] as (typeof storm)[number]);

  const answers = await Promise.all(shuffled.map((d) => shopify.sendWebhook(url, d.topic, d.payload, { eventId: d.eventId })));
  expect(answers.map((answer) => answer.status)).toEqual(shuffled.map(() => 200));
  const forged = await shopify.sendWebhook(url, 'orders/create', shopify.orderPayload(shopify.store.orders[0]?.id as string), {
    eventId: 'evt-forged',
    tamper: 'body',
  });
  expect(forged.status).toBe(401);

  expect(await count(`SELECT count(*) AS n FROM orders.commerce_deliveries WHERE source = 'shopify'`)).toBe(deliveries.length);
  expect(await count(`SELECT count(*) AS n FROM orders.commerce_deliveries WHERE delivery_id = 'evt-forged'`)).toBe(0);

  await waitFor(
    'every delivery applied',
    async () => (await count(`SELECT count(*) AS n FROM orders.commerce_deliveries WHERE status = 'PENDING'`)) === 0,
    WAIT_MS,
  );
  expect(await count(`SELECT count(*) AS n FROM orders.commerce_deliveries WHERE status <> 'APPLIED'`)).toBe(0);
  expect(await count(`SELECT count(*) AS n FROM orders.orders WHERE source = 'shopify'`)).toBe(ORDERS);
  // Newest state everywhere: delivered, whichever of create and updated was applied last.
  expect(await count(`SELECT count(*) AS n FROM orders.orders WHERE source = 'shopify' AND delivered_at IS NOT NULL`)).toBe(ORDERS);
  // Each order was created once: one OrderRecorded with created = true per order.
  expect(await count(`SELECT count(*) AS n FROM orders.outbox WHERE type = 'OrderRecorded' AND (data->>'created')::boolean`)).toBe(ORDERS);

  // Shopify cancels one order: the graph's order says so, and returns refuses to take it back.
  const cancelled = shopify.cancelOrder(shopify.store.orders[0]?.id as string);
  expect((await shopify.sendWebhook(url, 'orders/cancelled', shopify.orderPayload(cancelled.id), { eventId: 'evt-cancelled-0' })).status).toBe(200);
  const externalId = cancelled.id.split('/').pop() as string;
  const orderRow = async () =>
    (
      await graph.database.db.query<{ id: string; customer_id: string; cancelled_at: Date | null }>(
        `SELECT id, customer_id, cancelled_at FROM orders.orders WHERE source = 'shopify' AND external_id = $1`,
        [externalId],
      )
    ).rows[0];
  await waitFor('the cancellation applied', async () => Boolean((await orderRow())?.cancelled_at), WAIT_MS);
  const order = (await orderRow()) as { id: string; customer_id: string };
  await waitForSnapshots(graph.database.db, [order.id]);
  await waitFor(
    'the cancellation in the returns snapshot',
    async () => (await count(`SELECT count(*) AS n FROM returns.order_snapshots WHERE order_id = $1 AND cancelled_at IS NOT NULL`, [order.id])) > 0,
    WAIT_MS,
  );
  const { rows: lines } = await graph.database.db.query<{ id: string }>(`SELECT id FROM orders.order_lines WHERE order_id = $1`, [order.id]);
  const attempt = await mutate(graph, principals.customer(order.customer_id), 'requestReturn', {
    orderId: order.id,
    channel: 'ECOMMERCE',
    lines: [{ orderLineId: lines[0]?.id, quantity: 1, reason: 'UNWANTED' }],
  });
  expect(attempt.payload?.userErrors.map((error) => error.code)).toEqual(['ORDER_CANCELLED']);
}, 120_000);

import { startSubgraph, type RunningSubgraph } from '../../../platform/subgraph';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { testInternalTokens, subgraphRequest } from '../../../test/support/subgraph-client';
import { principals } from '../../../test/support/principals';
import { ReferenceCommerce, type SignedDelivery } from '../../../connectors/commerce/reference/reference-commerce';
import { contractOrder } from '../../../connectors/commerce/testing/commerce.contract';
import type { CommerceConnector, CommerceWebhooks } from '../../../connectors/commerce/port';
import type { NewOrder } from '../../../contracts/orders';
import { ordersSubgraph } from '../index';
import type { CommerceIntake } from './intake-worker';

const SECRET = 'intake-test-secret-0123';

let database: TestDatabase;
let subgraph: RunningSubgraph;
let shop: ReferenceCommerce;
let intake: CommerceIntake;
/** Makes the next `interpret` fail as an unreachable platform would. */
let failNextInterpret = false;

beforeAll(async () => {
  database = await createTestDatabase();
  shop = new ReferenceCommerce(database.db, { webhookSecret: SECRET });
  const flaky: CommerceWebhooks = {
    source: shop.source,
    verify: (raw, headers) => shop.webhooks.verify(raw, headers),
    interpret: async (topic, raw) => {
      if (failNextInterpret) {
        failNextInterpret = false;
        throw new Error('platform unreachable');
      }
      return shop.webhooks.interpret(topic, raw);
    },
  };
  const connector: CommerceConnector = { source: shop.source, feed: shop.feed, mirror: shop.mirror, webhooks: flaky };
  const definition = ordersSubgraph({ db: database.db, commerce: [connector], intake: { backoff: { maxAttempts: 8, baseDelayMs: 1, maxDelayMs: 2 } } });
  intake = definition.workers?.[0] as CommerceIntake;
  subgraph = await startSubgraph(definition, { db: database.db, internalTokens: testInternalTokens, port: 0 });
});
afterAll(async () => {
  await subgraph?.close();
  await database?.drop();
});

const post = (delivery: Pick<SignedDelivery, 'raw' | 'headers'>) =>
  fetch(`${subgraph.url}/webhooks/commerce/demo`, { method: 'POST', body: delivery.raw, headers: delivery.headers as Record<string, string> });

async function deliveryRow(deliveryId: string) {
  const { rows } = await database.db.query<{ status: string; attempts: number; last_error: string | null; outcome: Record<string, unknown> | null }>(
    `SELECT status, attempts, last_error, outcome FROM orders.commerce_deliveries WHERE source = 'demo' AND delivery_id = $1`,
    [deliveryId],
  );
  return rows[0] ?? null;
}

async function storedOrder(externalId: string) {
  const { rows } = await database.db.query<{ id: string; delivered_at: Date | null; cancelled_at: Date | null }>(
    `SELECT id, delivered_at, cancelled_at FROM orders.orders WHERE source = 'demo' AND external_id = $1`,
    [externalId],
  );
  return rows[0] ?? null;
}

/** Runs the intake until nothing due is left. */
async function applyAll(): Promise<void> {
  while ((await intake.runOnce()) > 0);
}

const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000);

describe('POST /webhooks/commerce/<source>', () => {
  it('stores a verified delivery and answers 200 at once', async () => {
    const delivery = await shop.putOrder(contractOrder('demo'));
    const response = await post(delivery);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'accepted' });
    expect(await deliveryRow(delivery.deliveryId)).toMatchObject({ status: 'PENDING', attempts: 0 });
  });

  it('refuses a tampered body with 401 and stores nothing', async () => {
    const delivery = await shop.putOrder(contractOrder('demo'));
    const raw = Buffer.from(delivery.raw.toString('utf8').replace('"quantity":2', '"quantity":9'));
    const response = await post({ raw, headers: delivery.headers });
    expect(response.status).toBe(401);
    expect(await deliveryRow(delivery.deliveryId)).toBeNull();
  });

  it('refuses a body over 1 MiB with 413', async () => {
    const delivery = shop.sign('orders/create', 'x'.repeat(1024 * 1024 + 1));
    const response = await post(delivery);
    expect(response.status).toBe(413);
    expect(await deliveryRow(delivery.deliveryId)).toBeNull();
  });

  it('stores a storm of 50 posts of 10 deliveries as 10 rows, answering 200 to each', async () => {
    const deliveries = await Promise.all(Array.from({ length: 10 }, () => shop.putOrder(contractOrder('demo'))));
    const responses = await Promise.all(Array.from({ length: 50 }, (_, i) => post(deliveries[i % 10] as SignedDelivery)));
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(200));
    const { rows } = await database.db.query<{ n: number }>(`SELECT count(*)::int8 AS n FROM orders.commerce_deliveries WHERE delivery_id = ANY($1)`, [
      deliveries.map((d) => d.deliveryId),
    ]);
    expect(rows[0]?.n).toBe(10);
  });
});

describe('the intake worker', () => {
  it('ends in the newest state when an update arrives before its create (the create is stale)', async () => {
    const order = contractOrder('demo');
    const created = await shop.putOrder(order, hoursAgo(3));
    const deliveredAt = hoursAgo(1);
    const updated = await shop.updateOrder(order.externalId, (o) => ({ ...o, deliveredAt }), hoursAgo(2));
    await post(updated);
    await post(created);
    await applyAll();
    expect((await storedOrder(order.externalId))?.delivered_at?.getTime()).toBe(deliveredAt.getTime());
    expect((await deliveryRow(updated.deliveryId))?.outcome).toMatchObject({ result: 'created' });
    expect(await deliveryRow(created.deliveryId)).toMatchObject({ status: 'APPLIED', outcome: { result: 'stale' } });
    const events = await database.db.query<{ data: { externalId: string; source: string } }>(
      `SELECT data FROM orders.outbox WHERE type = 'OrderRecorded' AND aggregate_id = $1`,
      [(await storedOrder(order.externalId))?.id],
    );
    expect(events.rows.map((e) => e.data)).toEqual([expect.objectContaining({ source: 'demo', externalId: order.externalId })]);
  });

  it('records a cancellation, visible as Order.cancelledAt', async () => {
    const order = contractOrder('demo');
    await post(await shop.putOrder(order, hoursAgo(2)));
    const cancelledAt = hoursAgo(1);
    await post(await shop.cancelOrder(order.externalId, cancelledAt));
    await applyAll();
    const stored = await storedOrder(order.externalId);
    const response = await subgraphRequest<{ order: { cancelledAt: string } }>(
      subgraph.url,
      principals.service(),
      `query($id: ID!) { order(id: $id) { cancelledAt } }`,
      {
        id: stored?.id,
      },
    );
    expect(response.data?.order.cancelledAt).toBe(cancelledAt.toISOString());
  });

  it('fails an edited order with LINES_IMMUTABLE at once, visible to operators, and a retry re-queues it', async () => {
    const order = contractOrder('demo');
    await post(await shop.putOrder(order, hoursAgo(2)));
    const edited = await shop.updateOrder(order.externalId, (o): NewOrder => ({ ...o, lines: o.lines.map((l) => ({ ...l, title: 'Renamed' })) }), hoursAgo(1));
    await post(edited);
    await applyAll();
    const row = await deliveryRow(edited.deliveryId);
    expect(row).toMatchObject({ status: 'FAILED', attempts: 1 });
    expect(row?.last_error).toContain('LINES_IMMUTABLE');
    const listed = await subgraphRequest<{ commerceDeliveries: { nodes: { id: string; deliveryId: string; lastError: string }[] } }>(
      subgraph.url,
      principals.operations(),
      `{ commerceDeliveries(status: FAILED, first: 100) { nodes { id deliveryId lastError } } }`,
    );
    const failed = listed.data?.commerceDeliveries.nodes.find((n) => n.deliveryId === edited.deliveryId);
    expect(failed?.lastError).toContain('LINES_IMMUTABLE');
    const retry = `mutation($id: ID!, $key: String!) { retryCommerceDelivery(id: $id, idempotencyKey: $key) { delivery { status attempts } userErrors { code } } }`;
    const retried = await subgraphRequest<{ retryCommerceDelivery: { delivery: { status: string; attempts: number }; userErrors: unknown[] } }>(
      subgraph.url,
      principals.operations(),
      retry,
      { id: failed?.id, key: `retry-${edited.deliveryId}` },
    );
    expect(retried.data?.retryCommerceDelivery).toEqual({ delivery: { status: 'PENDING', attempts: 0 }, userErrors: [] });
    await applyAll();
    expect((await deliveryRow(edited.deliveryId))?.status).toBe('FAILED');
    const again = await subgraphRequest<{ retryCommerceDelivery: { userErrors: { code: string }[] } }>(subgraph.url, principals.operations(), retry, {
      id: '999999999',
      key: `retry-missing-${edited.deliveryId}`,
    });
    expect(again.data?.retryCommerceDelivery.userErrors).toEqual([{ code: 'DELIVERY_NOT_FOUND' }]);
  });

  it('hides the inbox from anyone but operators', async () => {
    const response = await subgraphRequest(subgraph.url, principals.customer('cus_contract_1'), `{ commerceDeliveries { nodes { id } } }`);
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('retries a transient failure with backoff and then applies it', async () => {
    const order = contractOrder('demo');
    const delivery = await shop.putOrder(order);
    await post(delivery);
    failNextInterpret = true;
    await intake.runOnce();
    expect(await deliveryRow(delivery.deliveryId)).toMatchObject({ status: 'PENDING', attempts: 1, last_error: 'platform unreachable' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await applyAll();
    expect(await deliveryRow(delivery.deliveryId)).toMatchObject({ status: 'APPLIED', attempts: 2, outcome: { result: 'created' } });
  });

  it('records a refund the platform made once, per payment, and ignores unused topics', async () => {
    const order = contractOrder('demo');
    await post(await shop.putOrder(order));
    const refund = shop.refundOrder({
      externalId: `re-${order.externalId}`,
      orderExternalId: order.externalId,
      transactions: [{ provider: 'stripe', providerReference: `ch_${order.externalId}`, amountMinor: 1000 }],
      refundedAt: new Date(),
    });
    await post(refund);
    await post(shop.sign('refunds/create', refund.raw.toString('utf8')));
    const ignored = shop.sign('products/update', '{}');
    await post(ignored);
    await applyAll();
    const { rows } = await database.db.query<{ refunded_externally_minor: number }>(
      `SELECT p.refunded_externally_minor FROM orders.payments p JOIN orders.orders o ON o.id = p.order_id WHERE o.external_id = $1`,
      [order.externalId],
    );
    expect(rows).toEqual([{ refunded_externally_minor: 1000 }]);
    expect((await deliveryRow(refund.deliveryId))?.outcome).toMatchObject({ result: 'refund recorded' });
    expect(await deliveryRow(ignored.deliveryId)).toMatchObject({ status: 'IGNORED' });
  });
});

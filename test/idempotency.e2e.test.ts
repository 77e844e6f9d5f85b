import { startTestGraph, type TestGraph } from './support/graph';
import { principals } from './support/principals';

let t: TestGraph;

beforeAll(async () => {
  t = await startTestGraph({ seed: false });
});

afterAll(async () => {
  await t.close();
});

const RECORD = `mutation($input: RecordOrderInput!, $key: String!) {
  recordOrder(input: $input, idempotencyKey: $key) { created order { id number } userErrors { code field message } }
}`;

type RecordResult = { recordOrder: { created: boolean; order: { id: string; number: string } | null; userErrors: { code: string; field: string[] | null }[] } };

function webhookOrder(externalId: string, quantity = 1) {
  return {
    source: 'shopify',
    externalId,
    channel: 'ECOMMERCE',
    customer: { id: 'cus_live_0042' },
    placedAt: '2026-11-20T10:00:00Z',
    currencyCode: 'USD',
    lines: [{ sku: 'SKU-FTW-001', title: 'Everyday Runner', category: 'footwear', quantity, unitPrice: '49.99', tax: '4.00' }],
    payments: [],
  };
}

async function ordersWithExternalId(externalId: string): Promise<number> {
  const { rows } = await t.database.db.query<{ n: number }>(`SELECT count(*)::int8 AS n FROM orders.orders WHERE external_id = $1`, [externalId]);
  return rows[0]?.n ?? 0;
}

describe('idempotent mutations through the gateway', () => {
  it('answers 50 concurrent recordOrder calls with one key with one order and identical payloads', async () => {
    const input = webhookOrder('gid-concurrent-1');
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => t.query<RecordResult>(principals.service(), RECORD, { input, key: 'webhook-evt-0001' })),
    );
    for (const response of responses) expect(response.errors).toBeUndefined();
    const payloads = responses.map((response) => JSON.stringify(response.data?.recordOrder));
    // Requests that waited on the in-flight one replay its committed payload (IN_FLIGHT_WAIT_MS is 5 s).
    expect(new Set(payloads).size).toBe(1);
    expect(responses[0]?.data?.recordOrder.created).toBe(true);
    expect(await ordersWithExternalId('gid-concurrent-1')).toBe(1);
    const { rows } = await t.database.db.query<{ n: number }>(
      `SELECT count(*)::int8 AS n FROM orders.outbox WHERE type = 'OrderRecorded' AND aggregate_id = $1`,
      [responses[0]?.data?.recordOrder.order?.id],
    );
    expect(rows[0]?.n).toBe(1);
  });

  it('refuses the same key with different input and writes nothing', async () => {
    const first = await t.query<RecordResult>(principals.service(), RECORD, { input: webhookOrder('gid-mismatch-1'), key: 'webhook-evt-0002' });
    expect(first.data?.recordOrder.created).toBe(true);
    const other = await t.query<RecordResult>(principals.service(), RECORD, { input: webhookOrder('gid-mismatch-2'), key: 'webhook-evt-0002' });
    expect(other.data?.recordOrder.order).toBeNull();
    expect(other.data?.recordOrder.userErrors).toEqual([expect.objectContaining({ code: 'IDEMPOTENCY_KEY_PARAMETER_MISMATCH', field: ['idempotencyKey'] })]);
    expect(await ordersWithExternalId('gid-mismatch-2')).toBe(0);
  });

  it('delivers OrderRecorded to the returns subgraph, which keeps its own snapshot of the order', async () => {
    const recorded = await t.query<RecordResult>(principals.service(), RECORD, { input: webhookOrder('gid-snapshot-1', 2), key: 'webhook-evt-0003' });
    const orderId = recorded.data?.recordOrder.order?.id;
    const deadline = Date.now() + 5_000;
    let snapshot: { number: string; lines: { quantity: number }[] } | undefined;
    while (!snapshot && Date.now() < deadline) {
      const { rows } = await t.database.db.query<{ number: string; lines: { quantity: number }[] }>(
        `SELECT number, lines FROM returns.order_snapshots WHERE order_id = $1`,
        [orderId],
      );
      snapshot = rows[0];
      if (!snapshot) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(snapshot?.number).toBe(recorded.data?.recordOrder.order?.number);
    expect(snapshot?.lines[0]?.quantity).toBe(2);
    const { rows: inbox } = await t.database.db.query<{ n: number }>(
      `SELECT count(*)::int8 AS n FROM returns.inbox WHERE consumer = 'returns.order-snapshots'`,
    );
    expect(inbox[0]?.n).toBeGreaterThanOrEqual(1);
  });
});

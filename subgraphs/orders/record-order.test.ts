import type { RunningSubgraph } from '../../platform/subgraph';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { principals } from '../../test/support/principals';
import { subgraphRequest } from '../../test/support/subgraph-client';
import { startOrdersSubgraph } from './testing/orders-kit';

const RECORD = `mutation($input: RecordOrderInput!, $key: String!) {
  recordOrder(input: $input, idempotencyKey: $key) {
    created
    order { id number deliveredAt cancelledAt lines { id sku total { amount } } payments { provider capturedAmount { amount } } totals { subtotal { amount } discountTotal { amount } taxTotal { amount } shippingTotal { amount } total { amount } capturedTotal { amount } } }
    userErrors { code field message }
  }
}`;

interface Payload {
  recordOrder: {
    created: boolean;
    order: null | {
      id: string;
      number: string;
      deliveredAt: string | null;
      cancelledAt: string | null;
      lines: { id: string; sku: string; total: { amount: string } }[];
      payments: { provider: string; capturedAmount: { amount: string } }[];
      totals: Record<string, { amount: string }>;
    };
    userErrors: { code: string; field: string[] | null; message: string }[];
  };
}

let database: TestDatabase;
let subgraph: RunningSubgraph;
let sequence = 0;

beforeAll(async () => {
  database = await createTestDatabase();
  subgraph = await startOrdersSubgraph(database.db);
});
afterAll(async () => {
  await subgraph?.close();
  await database?.drop();
});

/** A valid webhook-style order: 2 x 49.99 with 10.00 off and 7.20 tax, plus 5.95 + 0.48 shipping; total 111.61. */
function webhookOrder(overrides: Record<string, unknown> = {}) {
  sequence += 1;
  return {
    source: 'shopify',
    externalId: `gid-${sequence}`,
    channel: 'ECOMMERCE',
    customer: { id: 'cus_live_0001', email: 'ada@example.com', name: 'Ada Lovelace' },
    placedAt: '2026-11-20T10:00:00Z',
    currencyCode: 'USD',
    lines: [
      { sku: 'SKU-FTW-001', title: 'Everyday Runner', category: 'footwear', quantity: 2, unitPrice: '49.99', discount: '10.00', tax: '7.20' },
      { sku: 'SKU-BEA-006', title: 'Lip Balm Trio', category: 'beauty', quantity: 1, unitPrice: '0', finalSale: true },
    ],
    shipping: { method: 'Standard', amount: '5.95', tax: '0.48' },
    payments: [{ provider: 'stripe', providerReference: `ch_${sequence}`, method: 'CARD', capturedAmount: '100.00', capturedAt: '2026-11-20T10:00:05Z' }],
    ...overrides,
  };
}

async function record(input: unknown, principal = principals.service(), key = `key-${sequence}-${Math.random().toString(36).slice(2)}`) {
  return subgraphRequest<Payload>(subgraph.url, principal, RECORD, { input, key });
}

async function ordersOf(externalId: string): Promise<number> {
  const { rows } = await database.db.query<{ n: number }>(`SELECT count(*)::int8 AS n FROM orders.orders WHERE source = 'shopify' AND external_id = $1`, [
    externalId,
  ]);
  return rows[0]!.n;
}

describe('recordOrder', () => {
  it('creates an order with a new id and number and computes its totals', async () => {
    const input = webhookOrder();
    const res = await record(input);
    expect(res.errors).toBeUndefined();
    const payload = res.data!.recordOrder;
    expect(payload.userErrors).toEqual([]);
    expect(payload.created).toBe(true);
    expect(payload.order!.id).toMatch(/^ord_[0-9A-Z]{26}$/);
    expect(payload.order!.number).toMatch(/^R\d{6,}$/);
    expect(payload.order!.lines.map((l) => l.total.amount)).toEqual(['97.18', '0.00']);
    expect(Object.fromEntries(Object.entries(payload.order!.totals).map(([k, v]) => [k, v.amount]))).toEqual({
      subtotal: '99.98',
      discountTotal: '10.00',
      taxTotal: '7.68',
      shippingTotal: '5.95',
      total: '103.61',
      capturedTotal: '100.00',
    });
  });

  it('updates deliveredAt and captures on a re-send without duplicating the order or its lines', async () => {
    const input = webhookOrder();
    const created = (await record(input)).data!.recordOrder.order!;
    const resent = {
      ...input,
      deliveredAt: '2026-11-23T15:00:00Z',
      payments: [
        ...input.payments,
        { provider: 'gift_card', providerReference: 'gc-1', method: 'GIFT_CARD', capturedAmount: '3.61', capturedAt: '2026-11-20T10:00:06Z' },
      ],
    };
    const res = await record(resent);
    const payload = res.data!.recordOrder;
    expect(payload.userErrors).toEqual([]);
    expect(payload.created).toBe(false);
    expect(payload.order!.id).toBe(created.id);
    expect(payload.order!.number).toBe(created.number);
    expect(payload.order!.deliveredAt).toBe('2026-11-23T15:00:00.000Z');
    expect(payload.order!.lines.map((l) => l.id)).toEqual(created.lines.map((l) => l.id));
    expect(payload.order!.totals.capturedTotal!.amount).toBe('103.61');
    expect(await ordersOf(input.externalId)).toBe(1);
    const again = await record(resent);
    expect(again.data!.recordOrder.order!.payments).toHaveLength(2);
  });

  it('records a cancellation on a re-send, keeps it when a later re-send omits it, and refuses one before the sale', async () => {
    const input = webhookOrder();
    expect((await record(input)).data!.recordOrder.order!.cancelledAt).toBeNull();
    const cancelled = await record({ ...input, cancelledAt: '2026-11-21T09:00:00Z' });
    expect(cancelled.data!.recordOrder.order!.cancelledAt).toBe('2026-11-21T09:00:00.000Z');
    const resent = await record({ ...input, deliveredAt: '2026-11-22T09:00:00Z' });
    expect(resent.data!.recordOrder.order!.cancelledAt).toBe('2026-11-21T09:00:00.000Z');
    const early = await record({ ...webhookOrder(), cancelledAt: '2026-11-19T09:00:00Z' });
    expect(early.data!.recordOrder.order).toBeNull();
    expect(early.data!.recordOrder.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_VALUE', field: ['input', 'cancelledAt'] })]);
  });

  it('refuses a re-send that changes the lines', async () => {
    const input = webhookOrder();
    await record(input);
    const changed = { ...input, lines: [{ ...input.lines[0], quantity: 3 }, input.lines[1]] };
    const payload = (await record(changed)).data!.recordOrder;
    expect(payload.order).toBeNull();
    expect(payload.userErrors).toEqual([expect.objectContaining({ code: 'LINES_IMMUTABLE', field: ['input', 'lines'] })]);
    const { rows } = await database.db.query<{ quantity: number }>(
      `SELECT l.quantity FROM orders.order_lines l JOIN orders.orders o ON o.id = l.order_id WHERE o.external_id = $1 AND l.line_number = 1`,
      [input.externalId],
    );
    expect(rows).toEqual([{ quantity: 2 }]);
  });

  const invalid: [string, (input: ReturnType<typeof webhookOrder>) => unknown, string, string[]][] = [
    ['no lines', (i) => ({ ...i, lines: [] }), 'NO_LINES', ['input', 'lines']],
    ['a quantity below 1', (i) => ({ ...i, lines: [{ ...i.lines[0], quantity: 0 }] }), 'INVALID_QUANTITY', ['input', 'lines', '0', 'quantity']],
    [
      'a discount above price x quantity',
      (i) => ({ ...i, lines: [i.lines[1], { ...i.lines[0], discount: '99.99' }] }),
      'DISCOUNT_EXCEEDS_PRICE',
      ['input', 'lines', '1', 'discount'],
    ],
    ['too many decimals', (i) => ({ ...i, lines: [{ ...i.lines[0], unitPrice: '49.999' }] }), 'INVALID_AMOUNT', ['input', 'lines', '0', 'unitPrice']],
    ['a negative amount', (i) => ({ ...i, shipping: { method: 'Standard', amount: '-5.00' } }), 'INVALID_AMOUNT', ['input', 'shipping', 'amount']],
    [
      'a non-numeric amount',
      (i) => ({ ...i, payments: [{ ...i.payments[0], capturedAmount: '1e3' }] }),
      'INVALID_AMOUNT',
      ['input', 'payments', '0', 'capturedAmount'],
    ],
    ['a POS order without store', (i) => ({ ...i, channel: 'POS' }), 'STORE_REQUIRED', ['input', 'storeId']],
    ['a MARKETPLACE order without partner', (i) => ({ ...i, channel: 'MARKETPLACE' }), 'MARKETPLACE_PARTNER_REQUIRED', ['input', 'marketplacePartnerId']],
    [
      'captures above the total',
      (i) => ({ ...i, payments: [{ ...i.payments[0], capturedAmount: '103.62' }] }),
      'CAPTURED_EXCEEDS_TOTAL',
      ['input', 'payments'],
    ],
    ['delivery before placement', (i) => ({ ...i, deliveredAt: '2026-11-19T00:00:00Z' }), 'DELIVERED_BEFORE_PLACED', ['input', 'deliveredAt']],
  ];
  it.each(invalid)('refuses %s with a userError naming the field and writes nothing', async (_name, mutate, code, field) => {
    const input = webhookOrder();
    const payload = (await record(mutate(input))).data!.recordOrder;
    expect(payload.order).toBeNull();
    expect(payload.created).toBe(false);
    expect(payload.userErrors).toEqual([expect.objectContaining({ code, field })]);
    expect(payload.userErrors[0]!.message.length).toBeGreaterThan(0);
    expect(await ordersOf(input.externalId)).toBe(0);
  });

  it('refuses a malformed idempotency key with INVALID_IDEMPOTENCY_KEY and writes nothing', async () => {
    for (const key of ['', 'has space', 'x'.repeat(256)]) {
      const input = webhookOrder();
      const payload = (await record(input, principals.service(), key)).data!.recordOrder;
      expect(payload.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_IDEMPOTENCY_KEY', field: ['idempotencyKey'] })]);
      expect(await ordersOf(input.externalId)).toBe(0);
    }
  });

  it('answers FORBIDDEN to a customer and a store associate, and lets operations record', async () => {
    for (const principal of [principals.customer(), principals.storeAssociate()]) {
      const input = webhookOrder();
      const res = await record(input, principal);
      expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(await ordersOf(input.externalId)).toBe(0);
    }
    const ok = await record(webhookOrder(), principals.operations());
    expect(ok.data!.recordOrder.created).toBe(true);
  });

  it('creates exactly one order when the same new order arrives twice at once', async () => {
    const input = webhookOrder();
    const results = await Promise.all([record(input), record(input), record(input)]);
    const payloads = results.map((r) => r.data!.recordOrder);
    expect(payloads.every((p) => p.userErrors.length === 0)).toBe(true);
    expect(payloads.filter((p) => p.created)).toHaveLength(1);
    expect(new Set(payloads.map((p) => p.order!.id)).size).toBe(1);
    expect(await ordersOf(input.externalId)).toBe(1);
  });
});

import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { principals } from '../../test/support/principals';
import { TEST_SETTINGS } from '../../test/support/settings';
import { ReferenceErp } from '../../connectors/erp/reference/reference-erp';
import { creditMemosConsumer } from './consumers/credit-memos';
import { CreditMemoPoster } from './erp-posting/credit-memo-poster';
import { RefundSucceeded } from '../../contracts/events/refunds';
import { issueRefund } from './manual';
import { reconcile } from './reconciliation';
import { tenderRefundKey } from './execution/executor';
import { providerIdempotencyKey } from '../../connectors/payments/port';
import {
  deliver,
  directRunner,
  orderData,
  outboxEvents,
  providerRefunds,
  receivedEvent,
  refundsOf,
  refundsRig,
  tendersOf,
  type RefundsRig,
} from './testing/refunds-kit';
import { writeTransaction } from '../../platform/write-path/write-tx';

/** Refunds from return events to the provider and the books, on real PostgreSQL. */
let database: TestDatabase;
let rig: RefundsRig;

beforeAll(async () => {
  database = await createTestDatabase();
  rig = refundsRig(database.db);
});

afterAll(async () => {
  await database.drop();
});

const count = async (sql: string, params: unknown[] = []) => Number((await database.db.query<{ n: number }>(sql, params)).rows[0]?.n ?? 0);

/**
 * Two lines: 3 x 20.00 with 10.00 off and 4.80 tax; 1 x 50.00 with 4.00 tax; shipping 5.00 + 0.40.
 * 114.20 in all, paid by card 60.00, PayPal 25.00 (both through the simulated gateway) and a gift card 29.20.
 */
const threeTenderOrder = () =>
  orderData({
    lines: [
      { sku: 'SKU-A', quantity: 3, unitPriceMinor: 2000, discountMinor: 1000, taxMinor: 480 },
      { sku: 'SKU-B', quantity: 1, unitPriceMinor: 5000, taxMinor: 400 },
    ],
    shippingMinor: 500,
    shippingTaxMinor: 40,
    payments: [
      { method: 'CARD', capturedMinor: 6000 },
      { method: 'PAYPAL', capturedMinor: 2500 },
      { method: 'GIFT_CARD', capturedMinor: 2920 },
    ],
  });

/** Authorizes and receives a low-risk return, runs the executor, and returns its refund id. */
async function refundAtReceipt(order: ReturnType<typeof threeTenderOrder>, lines: { line: number; quantity: number }[]): Promise<string> {
  const ret = await rig.authorize(order, lines);
  await deliver(rig.returnRefunds, receivedEvent(ret));
  const [refund] = await refundsOf(database.db, { returnId: ret.returnId });
  if (!refund) throw new Error(`no refund for return ${ret.returnId}`);
  await rig.settle([refund.id]);
  return refund.id;
}

describe('partial returns over several returns', () => {
  it('adds up exactly to the order once everything is back, never refunding a payment beyond its capture, over three tenders', async () => {
    const order = threeTenderOrder();
    await rig.recordOrder(order);
    const first = await refundAtReceipt(order, [{ line: 0, quantity: 1 }]);
    const second = await refundAtReceipt(order, [
      { line: 0, quantity: 1 },
      { line: 1, quantity: 1 },
    ]);
    const third = await refundAtReceipt(order, [{ line: 0, quantity: 1 }]);

    const refunds = await refundsOf(database.db, { orderId: order.orderId });
    // 20.00 - 3.34 + 1.60; then 20.00 - 3.33 + 1.60 + 54.00; then 20.00 - 3.33 + 1.60 + shipping 5.40 (the order is now all back).
    expect(refunds.map((r) => [r.id, r.status, r.trigger, r.amount_minor])).toEqual([
      [first, 'SUCCEEDED', 'RECEIPT', 1826],
      [second, 'SUCCEEDED', 'RECEIPT', 7227],
      [third, 'SUCCEEDED', 'RECEIPT', 2367],
    ]);
    expect(refunds.reduce((sum, r) => sum + r.amount_minor, 0)).toBe(order.totalMinor);

    const [card, paypal, gift] = order.payments as [(typeof order.payments)[number], (typeof order.payments)[number], (typeof order.payments)[number]];
    expect((await tendersOf(database.db, second)).map((t) => [t.method, t.payment_id, t.amount_minor, t.status])).toEqual([
      ['ORIGINAL_PAYMENT', card.paymentId, 4174, 'SUCCEEDED'],
      ['ORIGINAL_PAYMENT', paypal.paymentId, 2500, 'SUCCEEDED'],
      ['GIFT_CARD', gift.paymentId, 553, 'SUCCEEDED'],
    ]);
    const { rows: perPayment } = await database.db.query<{ payment_id: string; refunded: number }>(
      `SELECT t.payment_id, sum(t.amount_minor)::int8 AS refunded FROM refunds.refund_tenders t JOIN refunds.refunds r ON r.id = t.refund_id
        WHERE r.order_id = $1 AND t.status = 'SUCCEEDED' GROUP BY t.payment_id`,
      [order.orderId],
    );
    // Each payment is refunded exactly what it captured: no more, and in the end no less.
    expect(Object.fromEntries(perPayment.map((row) => [row.payment_id, row.refunded]))).toEqual(
      Object.fromEntries(order.payments.map((p) => [p.paymentId, p.capturedMinor])),
    );
    // The provider paid the card and PayPal shares once each; the gift card was paid back to the card in the store-credit ledger.
    expect((await providerRefunds(database.db, card.providerReference)).map((r) => [r.amount_minor, r.outcome])).toEqual([
      [1826, 'SUCCEEDED'],
      [4174, 'SUCCEEDED'],
    ]);
    expect((await providerRefunds(database.db, paypal.providerReference)).map((r) => r.amount_minor)).toEqual([2500]);
    expect((await tendersOf(database.db, third)).map((t) => [t.method, t.payment_reference, t.provider_refund_id?.startsWith('sce_')])).toEqual([
      ['GIFT_CARD', `gift_card:${gift.providerReference}`, true],
    ]);
    const { rows: giftCard } = await database.db.query(`SELECT balance_minor FROM store_credit.accounts WHERE key = $1`, [
      `gift_card:${gift.providerReference}`,
    ]);
    expect(giftCard).toEqual([{ balance_minor: gift.capturedMinor }]);
  });
});

describe('over-refunds', () => {
  const footprint = async () =>
    database.db
      .query(
        `SELECT (SELECT count(*) FROM refunds.refunds)::int8 AS refunds, (SELECT count(*) FROM refunds.refund_lines)::int8 AS lines,
                (SELECT count(*) FROM refunds.refund_tenders)::int8 AS tenders, (SELECT count(*) FROM refunds.outbox)::int8 AS outbox,
                (SELECT count(*) FROM refunds.audit_log)::int8 AS audit`,
      )
      .then((result) => result.rows[0]);

  it('refuses issueRefund beyond what is left to refund with EXCEEDS_REFUNDABLE and writes nothing', async () => {
    const order = orderData({ lines: [{ sku: 'SKU-C', quantity: 2, unitPriceMinor: 4000 }], payments: [{ method: 'CARD', capturedMinor: 8000 }] });
    await rig.recordOrder(order);
    await refundAtReceipt(order, [{ line: 0, quantity: 1 }]);
    const before = await footprint();
    // 40.00 is left of the 80.00 captured: 40.01 is one cent too many.
    const over = await writeTransaction(database.db, 'refunds', (tx) =>
      issueRefund(tx, principals.finance(), { orderId: order.orderId, amount: '40.01', reason: 'goodwill' }, TEST_SETTINGS.refunds),
    );
    expect(over).toEqual({ refundId: null, userErrors: [expect.objectContaining({ code: 'EXCEEDS_REFUNDABLE', field: ['input'] })] });
    const units = await writeTransaction(database.db, 'refunds', (tx) =>
      issueRefund(
        tx,
        principals.finance(),
        { orderId: order.orderId, lines: [{ orderLineId: order.lines[0]?.orderLineId as string, quantity: 2 }], reason: 'both again' },
        TEST_SETTINGS.refunds,
      ),
    );
    expect(units.userErrors.map((e) => e.code)).toEqual(['EXCEEDS_LINE_QUANTITY']);
    expect(await footprint()).toEqual(before);
    // What is left can still be refunded, to the cent.
    const exact = await writeTransaction(database.db, 'refunds', (tx) =>
      issueRefund(tx, principals.finance(), { orderId: order.orderId, amount: '40.00', reason: 'goodwill' }, TEST_SETTINGS.refunds),
    );
    expect(exact.userErrors).toEqual([]);
  });
});

describe('redelivery of the trigger', () => {
  it('makes one refund and one provider refund from 100 deliveries of the same ReturnItemsReceived', async () => {
    const order = orderData({ lines: [{ sku: 'SKU-D', quantity: 1, unitPriceMinor: 3000 }], payments: [{ method: 'CARD', capturedMinor: 3000 }] });
    await rig.recordOrder(order);
    const ret = await rig.authorize(order, [{ line: 0, quantity: 1 }]);
    const event = receivedEvent(ret);
    for (let i = 0; i < 100; i++) await deliver(rig.returnRefunds, event);
    const refunds = await refundsOf(database.db, { returnId: ret.returnId });
    expect(refunds).toHaveLength(1);
    for (let i = 0; i < 3; i++) await rig.settle(refunds.map((r) => r.id));
    expect(await providerRefunds(database.db, order.payments[0]?.providerReference)).toEqual([
      expect.objectContaining({ amount_minor: 3000, outcome: 'SUCCEEDED' }),
    ]);
    expect(await count(`SELECT count(*) AS n FROM refunds.inbox WHERE consumer = 'refunds.return-refunds' AND event_id = $1`, [event.id])).toBe(1);
  });

  it('makes one refund and one provider refund from 100 concurrent ReturnItemsReceived events of one return with different ids', async () => {
    const order = orderData({ lines: [{ sku: 'SKU-E', quantity: 1, unitPriceMinor: 3500 }], payments: [{ method: 'CARD', capturedMinor: 3500 }] });
    await rig.recordOrder(order);
    const ret = await rig.authorize(order, [{ line: 0, quantity: 1 }]);
    const events = Array.from({ length: 100 }, () => receivedEvent(ret));
    await Promise.all(events.map((event) => deliver(rig.returnRefunds, event)));
    // Every delivery that waited for the order's lock sees the refund its rival made: none fails and waits for a retry.
    expect(await count(`SELECT count(*) AS n FROM refunds.pending_deliveries`)).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM refunds.dead_letters`)).toBe(0);
    expect(
      await count(`SELECT count(*) AS n FROM refunds.inbox WHERE consumer = 'refunds.return-refunds' AND event_id = ANY($1)`, [events.map((e) => e.id)]),
    ).toBe(100);
    const refunds = await refundsOf(database.db, { returnId: ret.returnId });
    expect(refunds).toHaveLength(1);
    await Promise.all([rig.settle(refunds.map((r) => r.id)), rig.executor.runOnce()]);
    const [tender] = await tendersOf(database.db, refunds[0]?.id as string);
    expect(await providerRefunds(database.db, order.payments[0]?.providerReference)).toEqual([
      expect.objectContaining({ idempotency_key: providerIdempotencyKey(tenderRefundKey(tender?.id as string, 1)), amount_minor: 3500 }),
    ]);
  });
});

describe('credit memos and reconciliation', () => {
  it('queues the memo when the refund succeeds, posts it with an ERP reference in a balanced journal, and reconciles', async () => {
    const memos = directRunner(database.db, creditMemosConsumer());
    const poster = new CreditMemoPoster(database.db, new ReferenceErp(database.db));
    const order = orderData({
      lines: [{ sku: 'SKU-F', quantity: 2, unitPriceMinor: 2500, taxMinor: 400 }],
      payments: [{ method: 'CARD', capturedMinor: 5400 }],
    });
    await rig.recordOrder(order);
    const posted = await refundAtReceipt(order, [{ line: 0, quantity: 1 }]);
    const unposted = await refundAtReceipt(order, [{ line: 0, quantity: 1 }]);
    const memo = async (refundId: string) =>
      (
        await database.db.query<{ status: string; amount_minor: number; tax_minor: number; erp_reference: string | null }>(
          `SELECT status, amount_minor, tax_minor, erp_reference FROM refunds.credit_memos WHERE refund_id = $1`,
          [refundId],
        )
      ).rows[0];
    expect(await memo(posted)).toEqual({ status: 'QUEUED', amount_minor: 2700, tax_minor: 200, erp_reference: null });

    // Only the first refund's RefundSucceeded reaches the credit-memo consumer: the second stays unposted.
    const [succeeded] = await outboxEvents(database.db, RefundSucceeded.type, [posted]);
    if (!succeeded) throw new Error('no RefundSucceeded in the outbox');
    await deliver(memos, succeeded);
    await deliver(memos, succeeded);
    // The consumer only queued the posting; the worker posts it (once, however often it runs).
    expect(await memo(posted)).toMatchObject({ status: 'QUEUED' });
    expect(await poster.runOnce()).toBe(1);
    expect(await poster.runOnce()).toBe(0);
    const booked = await memo(posted);
    expect(booked).toEqual({ status: 'POSTED', amount_minor: 2700, tax_minor: 200, erp_reference: expect.stringMatching(/^CM-\d{6,}$/) });
    expect(await outboxEvents(database.db, 'CreditMemoPosted', [posted])).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ erpReference: booked?.erp_reference }) }),
    ]);
    const { rows: journal } = await database.db.query<{ debits: number; credits: number; lines: number }>(
      `SELECT sum(l.debit_minor)::int8 AS debits, sum(l.credit_minor)::int8 AS credits, count(*)::int8 AS lines
         FROM erp.journal_entries e JOIN erp.journal_lines l ON l.entry_id = e.id WHERE e.credit_memo_refund_id = $1`,
      [posted],
    );
    expect(journal[0]).toEqual({ debits: 2700, credits: 2700, lines: 3 });
    expect(await count(`SELECT count(*) AS n FROM erp.credit_memos WHERE refund_id = $1`, [posted])).toBe(1);

    const rows = await reconcile(database.db, { orderId: order.orderId });
    const total = rows.find((row) => row.returnId === null);
    expect(total).toMatchObject({ orderId: order.orderId, capturedMinor: 5400, refundedMinor: 5400, creditedMinor: 2700 });
    expect(total?.mismatches).toEqual([{ code: 'REFUND_WITHOUT_CREDIT_MEMO', refundId: unposted, message: expect.stringContaining('QUEUED') }]);
    expect(
      rows
        .filter((row) => row.returnId !== null)
        .map((row) => row.mismatches.length)
        .sort(),
    ).toEqual([0, 1]);
    const problems = await reconcile(database.db, { onlyMismatches: true });
    expect(problems.every((row) => row.mismatches.length > 0)).toBe(true);
    expect(problems.some((row) => row.orderId === order.orderId)).toBe(true);
  });
});

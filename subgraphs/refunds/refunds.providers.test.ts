import { randomBytes } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { providerIdempotencyKey, type PaymentGateway } from '../../connectors/payments/port';
import { SimulatedGateway } from '../../connectors/payments/simulated/simulated-gateway';
import { StoreCreditLedger } from '../../connectors/payments/store-credit/store-credit-ledger';
import { StripeGateway } from '../../connectors/payments/stripe/stripe-gateway';
import { FakeStripeServer, FAKE_STRIPE_SECRET_KEY } from '../../connectors/payments/stripe/testing/fake-stripe-server';
import type { OrderRecordedData } from '../../contracts/events/orders';
import { RefundExecutor, tenderRefundKey } from './execution/executor';
import { GatewayRouter } from './execution/gateways';
import { SimulatedWorld } from './execution/simulated-world';
import { PROVIDER_RECHECK_MS } from './execution/unconfigured-provider';
import {
  deliver,
  orderData,
  outboxEvents,
  providerRefunds,
  receivedEvent,
  refundsOf,
  refundsRig,
  tendersOf,
  type RefundsRig,
  type TestReturnLine,
} from './testing/refunds-kit';

/**
 * Several payment providers at once, a provider without a connector, and the store-credit ledger,
 * from return events to the providers on real PostgreSQL: Stripe is the fake Stripe server, the
 * second card provider the simulated gateway, store credit and gift cards the ledger.
 */
let database: TestDatabase;
let rig: RefundsRig;
let stripe: FakeStripeServer;
let simulated: SimulatedGateway;
let ledger: StoreCreditLedger;

/** Rounds an executor gets to finish the tenders a test started. */
const MAX_ROUNDS = 30;

beforeAll(async () => {
  database = await createTestDatabase();
  rig = refundsRig(database.db);
  stripe = await FakeStripeServer.start({ initialRefundStatus: 'succeeded' });
  simulated = new SimulatedGateway(database.db, { settlementDelayMs: 0 });
  ledger = new StoreCreditLedger(database.db);
});

afterAll(async () => {
  await stripe.close();
  await database.drop();
});

/** An executor with exactly these gateways: no fallback, as in production. */
const executorWith = (...gateways: PaymentGateway[]) => new RefundExecutor(database.db, new GatewayRouter(gateways));
const allConfigured = () =>
  executorWith(
    new StripeGateway({ secretKey: FAKE_STRIPE_SECRET_KEY, apiBase: stripe.url, maxNetworkRetries: 0 }),
    new SimulatedWorld(database.db, simulated),
    ledger,
  );

/** Runs `executor` until no tender of `refundId` is PENDING or SUBMITTED, making each due at once. */
async function runUntilSettled(executor: RefundExecutor, refundId: string): Promise<void> {
  for (let round = 0; round < MAX_ROUNDS; round++) {
    await database.db.query(`UPDATE refunds.refund_tenders SET next_attempt_at = now() WHERE refund_id = $1 AND status IN ('PENDING', 'SUBMITTED')`, [
      refundId,
    ]);
    await executor.runOnce();
    const { rowCount } = await database.db.query(`SELECT 1 FROM refunds.refund_tenders WHERE refund_id = $1 AND status IN ('PENDING', 'SUBMITTED')`, [
      refundId,
    ]);
    if (rowCount === 0) return;
  }
  throw new Error(`refund ${refundId} still has open tenders after ${MAX_ROUNDS} rounds`);
}

/**
 * An order of 10.00 units paid 30.00 by a Stripe card (registered at the fake) and 20.00 by a card
 * of the simulated provider, plus a gift card of `giftCardMinor` when given.
 */
function twoProviderOrder(giftCardMinor = 0): OrderRecordedData {
  const order = orderData({
    lines: [{ sku: 'SKU-P', quantity: 5 + giftCardMinor / 1000, unitPriceMinor: 1000 }],
    payments: [
      { method: 'CARD', capturedMinor: 3000 },
      { method: 'CARD', capturedMinor: 2000 },
      ...(giftCardMinor > 0 ? [{ method: 'GIFT_CARD' as const, capturedMinor: giftCardMinor }] : []),
    ],
  });
  const [web, ...others] = order.payments as [OrderRecordedData['payments'][number], ...OrderRecordedData['payments']];
  const intent = `pi_${randomBytes(10).toString('hex')}`;
  stripe.addPayment({ id: intent, amountMinor: web.capturedMinor, currency: 'usd' });
  return { ...order, payments: [{ ...web, provider: 'stripe', providerReference: intent }, ...others] };
}

/** Authorizes and receives a return of `lines`; returns the refund it caused (not yet executed). */
async function refundOf(order: OrderRecordedData, lines: TestReturnLine[], refundMethod?: 'STORE_CREDIT' | 'GIFT_CARD'): Promise<string> {
  await rig.recordOrder(order);
  const ret = await rig.authorize(order, lines, refundMethod ? { refundMethod } : {});
  await deliver(rig.returnRefunds, receivedEvent(ret));
  const [refund] = await refundsOf(database.db, { returnId: ret.returnId });
  if (!refund) throw new Error(`no refund for return ${ret.returnId}`);
  return refund.id;
}

async function refundRow(refundId: string) {
  const { rows } = await database.db.query<{ status: string; failure_reason: string | null }>(
    `SELECT status, failure_reason FROM refunds.refunds WHERE id = $1`,
    [refundId],
  );
  return rows[0];
}

async function accounts(where: string, value: string) {
  const { rows } = await database.db.query<{ key: string; balance_minor: number }>(
    `SELECT key, balance_minor FROM store_credit.accounts WHERE ${where} = $1 ORDER BY key`,
    [value],
  );
  return rows;
}

describe('several providers at once', () => {
  it('splits a refund over Stripe, the simulated provider and a gift card, paying each through its own gateway once', async () => {
    const order = twoProviderOrder(1000);
    const refundId = await refundOf(order, [{ line: 0, quantity: 6 }]);
    const executor = allConfigured();
    await runUntilSettled(executor, refundId);
    await executor.runOnce();

    const [web, store, gift] = order.payments as [(typeof order.payments)[number], (typeof order.payments)[number], (typeof order.payments)[number]];
    expect((await tendersOf(database.db, refundId)).map((t) => [t.method, t.payment_id, t.amount_minor, t.status])).toEqual([
      ['ORIGINAL_PAYMENT', web.paymentId, 3000, 'SUCCEEDED'],
      ['ORIGINAL_PAYMENT', store.paymentId, 2000, 'SUCCEEDED'],
      ['GIFT_CARD', gift.paymentId, 1000, 'SUCCEEDED'],
    ]);
    expect(await refundRow(refundId)).toEqual({ status: 'SUCCEEDED', failure_reason: null });
    expect(stripe.refundsCreatedFor(web.providerReference)).toBe(1);
    expect((await providerRefunds(database.db, store.providerReference)).map((r) => r.amount_minor)).toEqual([2000]);
    expect(await accounts('key', `gift_card:${gift.providerReference}`)).toEqual([{ key: `gift_card:${gift.providerReference}`, balance_minor: 1000 }]);
  });

  it('refuses two gateways for one provider at start-up', () => {
    expect(() => new GatewayRouter([ledger, new StoreCreditLedger(database.db)])).toThrow(/Two payment gateways are configured for provider "store_credit"/);
  });
});

describe('a provider without a connector', () => {
  it('holds its tender REQUIRES_ACTION with a coded reason, pays the other tender once, and pays it with the same key once configured', async () => {
    const order = twoProviderOrder();
    const [web, store] = order.payments as [(typeof order.payments)[number], (typeof order.payments)[number]];
    const refundId = await refundOf(order, [{ line: 0, quantity: 5 }]);
    const withoutStripe = executorWith(new SimulatedWorld(database.db, simulated), ledger);
    await runUntilSettled(withoutStripe, refundId);

    const reason = 'PROVIDER_NOT_CONFIGURED: no payment connector for provider "stripe"';
    const held = await tendersOf(database.db, refundId);
    expect(held.map((t) => [t.payment_id, t.status, t.last_error])).toEqual([
      [web.paymentId, 'REQUIRES_ACTION', reason],
      [store.paymentId, 'SUCCEEDED', null],
    ]);
    expect(await refundRow(refundId)).toEqual({ status: 'REQUIRES_ACTION', failure_reason: reason });
    const announced = await outboxEvents(database.db, 'RefundRequiresAction', [refundId]);
    expect(announced.map((event) => (event.data as { reason: string }).reason)).toEqual([reason]);
    const { rows: audit } = await database.db.query<{ action: string; target: string }>(`SELECT action, target FROM refunds.audit_log WHERE target = $1`, [
      held[0]!.id,
    ]);
    expect(audit).toEqual([{ action: 'holdRefundTender', target: held[0]!.id }]);
    // Re-checked rarely, not at the executor's pace.
    const { rows: due } = await database.db.query<{ wait_ms: number }>(
      `SELECT (extract(epoch FROM next_attempt_at - now()) * 1000)::int8 AS wait_ms FROM refunds.refund_tenders WHERE id = $1`,
      [held[0]!.id],
    );
    expect(due[0]!.wait_ms).toBeGreaterThan(PROVIDER_RECHECK_MS - 60_000);

    // A re-check while still unconfigured changes nothing and pays nothing twice.
    await database.db.query(`UPDATE refunds.refund_tenders SET next_attempt_at = now() WHERE id = $1`, [held[0]!.id]);
    expect(await withoutStripe.runOnce()).toBe(1);
    expect((await tendersOf(database.db, refundId)).map((t) => t.status)).toEqual(['REQUIRES_ACTION', 'SUCCEEDED']);
    expect(await outboxEvents(database.db, 'RefundRequiresAction', [refundId])).toHaveLength(1);
    expect((await providerRefunds(database.db, store.providerReference)).map((r) => r.amount_minor)).toEqual([2000]);

    // Configured and restarted: the held tender proceeds with its unchanged key; the paid one is left alone.
    await database.db.query(`UPDATE refunds.refund_tenders SET next_attempt_at = now() WHERE id = $1`, [held[0]!.id]);
    const restarted = allConfigured();
    expect(await restarted.runOnce()).toBe(1);
    const paid = await tendersOf(database.db, refundId);
    expect(paid.map((t) => [t.status, t.last_error])).toEqual([
      ['SUCCEEDED', null],
      ['SUCCEEDED', null],
    ]);
    expect(await refundRow(refundId)).toEqual({ status: 'SUCCEEDED', failure_reason: null });
    expect(stripe.refundsCreatedFor(web.providerReference)).toBe(1);
    const key = providerIdempotencyKey(tenderRefundKey(held[0]!.id, held[0]!.generation));
    expect(stripe.requests.filter((request) => request.method === 'POST' && request.idempotencyKey === key)).toHaveLength(1);
    expect((await providerRefunds(database.db, store.providerReference)).map((r) => r.amount_minor)).toEqual([2000]);
  });
});

describe('store credit through the ledger', () => {
  it('raises the customer store credit balance by exactly the refund, once, even when the executor is replayed after a crash', async () => {
    // A customer id as a commerce platform may send it (spaces and all): the account must take it as it is.
    const customerId = `Customer ${randomBytes(4).toString('hex')}:web`;
    const order = orderData({ lines: [{ sku: 'SKU-S', quantity: 2, unitPriceMinor: 2450 }], payments: [{ method: 'CARD', capturedMinor: 4900 }], customerId });
    const refundId = await refundOf(order, [{ line: 0, quantity: 2 }], 'STORE_CREDIT');
    const [tender] = await tendersOf(database.db, refundId);
    expect(tender).toMatchObject({ method: 'STORE_CREDIT', payment_reference: `customer:${order.customerId}`, amount_minor: 4900, status: 'PENDING' });
    // The crash: the ledger booked the credit, then the executor died before recording the answer.
    const booked = await ledger.createRefund({
      refundId: tenderRefundKey(tender!.id, tender!.generation),
      paymentReference: tender!.payment_reference!,
      amountMinor: 4900,
      currency: 'USD',
    });
    const executor = allConfigured();
    await runUntilSettled(executor, refundId);
    await runUntilSettled(executor, refundId);

    expect(await tendersOf(database.db, refundId)).toEqual([expect.objectContaining({ status: 'SUCCEEDED', provider_refund_id: booked.providerRefundId })]);
    expect(await refundRow(refundId)).toEqual({ status: 'SUCCEEDED', failure_reason: null });
    expect(await accounts('key', `customer:${order.customerId}`)).toEqual([{ key: `customer:${order.customerId}`, balance_minor: 4900 }]);
    const { rows: entries } = await database.db.query(`SELECT id FROM store_credit.entries WHERE account_key = $1`, [`customer:${order.customerId}`]);
    expect(entries).toHaveLength(1);
  });

  it('issues a new gift card to the customer for a GIFT_CARD refund of an order paid without one', async () => {
    const order = orderData({ lines: [{ sku: 'SKU-G', quantity: 1, unitPriceMinor: 3100 }], payments: [{ method: 'CARD', capturedMinor: 3100 }] });
    const refundId = await refundOf(order, [{ line: 0, quantity: 1 }], 'GIFT_CARD');
    await runUntilSettled(allConfigured(), refundId);

    expect((await tendersOf(database.db, refundId)).map((t) => [t.method, t.payment_reference, t.status])).toEqual([
      ['GIFT_CARD', `new_gift_card:${order.customerId}`, 'SUCCEEDED'],
    ]);
    expect(await accounts('owner_customer_id', order.customerId)).toEqual([{ key: expect.stringMatching(/^gift_card:GC-\d{10}$/), balance_minor: 3100 }]);
  });

  it('refuses a store credit tender that names no ledger account', async () => {
    const order = orderData({ lines: [{ sku: 'SKU-X', quantity: 1, unitPriceMinor: 1000 }], payments: [{ method: 'CARD', capturedMinor: 1000 }] });
    const refundId = await refundOf(order, [{ line: 0, quantity: 1 }], 'STORE_CREDIT');
    await expect(
      database.db.query(
        `INSERT INTO refunds.refund_tenders (id, refund_id, position, method, provider, payment_reference, amount_minor, status) VALUES ($1, $2, 9, 'STORE_CREDIT', 'store_credit', NULL, 1, 'PENDING')`,
        [`rft_${randomBytes(8).toString('hex')}`, refundId],
      ),
    ).rejects.toMatchObject({ constraint: 'refund_tenders_store_credit_reference' });
  });
});

import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { principals } from '../../test/support/principals';
import { providerIdempotencyKey } from '../../connectors/payments/port';
import { SIMULATED_FAILURE_REASON } from '../../connectors/payments/simulated/simulated-gateway';
import { RefundFailed, RefundSucceeded } from '../../contracts/events/refunds';
import { retryRefund } from './manual';
import { tenderRefundKey } from './execution/executor';
import {
  deliver,
  dueNow,
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

/** The provider fails: unknown outcomes are retried with the same key, definitive failures wait for retryRefund and a new key. */
let database: TestDatabase;
let rig: RefundsRig;

beforeAll(async () => {
  database = await createTestDatabase();
  rig = refundsRig(database.db);
});

afterAll(async () => {
  await database.drop();
});

/** A one-line order paid by card, and a low-risk return of it received: one refund with one tender. */
async function receivedReturn(amountMinor: number, useRig: RefundsRig = rig): Promise<{ refundId: string; tenderId: string; paymentReference: string }> {
  const order = orderData({ lines: [{ sku: 'SKU-F1', quantity: 1, unitPriceMinor: amountMinor }], payments: [{ method: 'CARD', capturedMinor: amountMinor }] });
  await useRig.recordOrder(order);
  const ret = await useRig.authorize(order, [{ line: 0, quantity: 1 }]);
  await deliver(useRig.returnRefunds, receivedEvent(ret));
  const [refund] = await refundsOf(database.db, { returnId: ret.returnId });
  const [tender] = await tendersOf(database.db, refund?.id as string);
  return { refundId: refund?.id as string, tenderId: tender?.id as string, paymentReference: order.payments[0]?.providerReference as string };
}

const statusOf = async (refundId: string) =>
  (await database.db.query<{ status: string }>(`SELECT status FROM refunds.refunds WHERE id = $1`, [refundId])).rows[0]?.status;

describe('unknown outcomes', () => {
  it('retries a tender with the same key while the provider is unavailable, then succeeds with one provider refund', async () => {
    const { refundId, tenderId, paymentReference } = await receivedReturn(4200);
    rig.gateway.injectFaults('unavailable', 2);
    await rig.executor.runOnce();
    expect(await tendersOf(database.db, refundId)).toEqual([
      expect.objectContaining({ status: 'PENDING', attempts: 1, generation: 1, last_error: expect.stringContaining('unavailable') }),
    ]);
    // Backoff: the tender is not due again at once.
    expect(await rig.executor.runOnce()).toBe(0);
    await dueNow(database.db, [refundId]);
    await rig.executor.runOnce();
    expect((await tendersOf(database.db, refundId))[0]).toMatchObject({ status: 'PENDING', attempts: 2 });
    expect(await providerRefunds(database.db, paymentReference)).toEqual([]);
    await rig.settle([refundId]);

    expect((await tendersOf(database.db, refundId))[0]).toMatchObject({
      status: 'SUCCEEDED',
      attempts: 2,
      generation: 1,
      provider_refund_id: expect.stringMatching(/^sre_/),
    });
    expect(await providerRefunds(database.db, paymentReference)).toEqual([
      expect.objectContaining({ idempotency_key: providerIdempotencyKey(tenderRefundKey(tenderId, 1)), amount_minor: 4200, outcome: 'SUCCEEDED' }),
    ]);
    expect(await statusOf(refundId)).toBe('SUCCEEDED');
  });

  it('gets the same provider refund back when the provider acted but its answer was lost', async () => {
    const { refundId, paymentReference } = await receivedReturn(1900);
    rig.gateway.injectFaults('timeout', 1);
    await rig.executor.runOnce();
    // The provider holds the refund; we do not know it yet.
    const [held] = await providerRefunds(database.db, paymentReference);
    expect((await tendersOf(database.db, refundId))[0]).toMatchObject({ status: 'PENDING', provider_refund_id: null, attempts: 1 });
    await rig.settle([refundId]);
    expect((await tendersOf(database.db, refundId))[0]).toMatchObject({ status: 'SUCCEEDED', provider_refund_id: held?.provider_refund_id });
    expect(await providerRefunds(database.db, paymentReference)).toHaveLength(1);
  });
});

describe('definitive failures', () => {
  it('fails the refund with RefundFailed when the provider settles it failed; retryRefund pays with a new generation and key', async () => {
    const { refundId, tenderId, paymentReference } = await receivedReturn(2600);
    rig.gateway.injectFaults('settle-failed', 1);
    await rig.settle([refundId]);
    expect(await statusOf(refundId)).toBe('FAILED');
    expect((await tendersOf(database.db, refundId))[0]).toMatchObject({ status: 'FAILED', generation: 1, last_error: SIMULATED_FAILURE_REASON });
    expect(await outboxEvents(database.db, RefundFailed.type, [refundId])).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ status: 'FAILED', reason: SIMULATED_FAILURE_REASON }) }),
    ]);
    // Nothing more happens by itself: a failed tender is not retried.
    expect(await rig.executor.runOnce()).toBe(0);

    const retried = await writeTransaction(database.db, 'refunds', (tx) => retryRefund(tx, principals.finance(), { refundId }));
    expect(retried).toEqual({ refundId, userErrors: [] });
    expect((await tendersOf(database.db, refundId))[0]).toMatchObject({ status: 'PENDING', generation: 2, attempts: 0, last_error: null });
    await rig.settle([refundId]);

    expect(await statusOf(refundId)).toBe('SUCCEEDED');
    expect(await outboxEvents(database.db, RefundSucceeded.type, [refundId])).toHaveLength(1);
    const atProvider = await providerRefunds(database.db, paymentReference);
    expect(atProvider.map((r) => [r.idempotency_key, r.outcome])).toEqual([
      [providerIdempotencyKey(tenderRefundKey(tenderId, 1)), 'FAILED'],
      [providerIdempotencyKey(tenderRefundKey(tenderId, 2)), 'SUCCEEDED'],
    ]);
    const { rows: audit } = await database.db.query(`SELECT actor, action FROM refunds.audit_log WHERE target = $1`, [refundId]);
    expect(audit).toEqual([{ actor: 'user:finance', action: 'retryRefund' }]);
  });

  it('fails every refund of a provider with failureRate 1, and the retry through a healthy provider succeeds once', async () => {
    const failing = refundsRig(database.db, { settlementDelayMs: 0, failureRate: 1 });
    const { refundId, paymentReference } = await receivedReturn(3100, failing);
    await failing.settle([refundId]);
    expect(await statusOf(refundId)).toBe('FAILED');
    await writeTransaction(database.db, 'refunds', (tx) => retryRefund(tx, principals.operations(), { refundId }));
    await rig.settle([refundId]);
    expect((await providerRefunds(database.db, paymentReference)).map((r) => r.outcome)).toEqual(['FAILED', 'SUCCEEDED']);
    expect(await statusOf(refundId)).toBe('SUCCEEDED');
  });

  it('refuses to retry a refund that did not fail, and anyone but finance or operations', async () => {
    const { refundId } = await receivedReturn(1500);
    await rig.settle([refundId]);
    const notFailed = await writeTransaction(database.db, 'refunds', (tx) => retryRefund(tx, principals.finance(), { refundId }));
    expect(notFailed.userErrors.map((e) => e.code)).toEqual(['NOT_FAILED']);
    await expect(writeTransaction(database.db, 'refunds', (tx) => retryRefund(tx, principals.serviceDesk(), { refundId }))).rejects.toMatchObject({
      extensions: { code: 'FORBIDDEN' },
    });
  });
});

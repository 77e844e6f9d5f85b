import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { principals } from '../../test/support/principals';
import { DRILL_DECLINE_REASON } from '../../connectors/payments/simulated/simulated-options';
import { writeTransaction } from '../../platform/write-path/write-tx';
import { retryRefund } from './manual';
import { deliver, orderData, providerRefunds, receivedEvent, refundsOf, refundsRig, tendersOf, type RefundsRig } from './testing/refunds-kit';

/** The refund failure drill through the refunds subgraph: a drilled failure, retried as the console does, succeeds. */
let database: TestDatabase;
let rig: RefundsRig;

beforeAll(async () => {
  database = await createTestDatabase();
  rig = refundsRig(database.db, { settlementDelayMs: 0, drill: { declinePercent: 100, timeoutPercent: 50 } });
});
afterAll(async () => {
  await database.drop();
});

const statusOf = async (refundId: string) =>
  (await database.db.query<{ status: string }>(`SELECT status FROM refunds.refunds WHERE id = $1`, [refundId])).rows[0]?.status;

describe('DRILL_REFUND_FAILURE_PERCENT=100, DRILL_REFUND_TIMEOUT_PERCENT=50', () => {
  it('fails the first attempt (after timeouts retried with the same key), and retryRefund pays it, one provider refund per attempt', async () => {
    const order = orderData({ lines: [{ sku: 'SKU-D1', quantity: 1, unitPriceMinor: 4200 }], payments: [{ method: 'CARD', capturedMinor: 4200 }] });
    await rig.recordOrder(order);
    const ret = await rig.authorize(order, [{ line: 0, quantity: 1 }]);
    await deliver(rig.returnRefunds, receivedEvent(ret));
    const [refund] = await refundsOf(database.db, { returnId: ret.returnId });
    const refundId = refund?.id as string;
    await rig.settle([refundId]);
    expect(await statusOf(refundId)).toBe('FAILED');
    const paymentReference = order.payments[0]?.providerReference as string;
    expect((await providerRefunds(database.db, paymentReference)).map((r) => r.outcome)).toEqual(['FAILED']);
    const { rows } = await database.db.query<{ failure_reason: string }>(`SELECT failure_reason FROM payments_sim.refunds WHERE payment_reference = $1`, [
      paymentReference,
    ]);
    expect(rows.map((row) => row.failure_reason)).toEqual([DRILL_DECLINE_REASON]);

    const retried = await writeTransaction(database.db, 'refunds', (tx) => retryRefund(tx, principals.finance(), { refundId }));
    expect(retried.userErrors).toEqual([]);
    await rig.settle([refundId]);
    expect(await statusOf(refundId)).toBe('SUCCEEDED');
    expect((await providerRefunds(database.db, paymentReference)).map((r) => r.outcome)).toEqual(['FAILED', 'SUCCEEDED']);
    const [tender] = await tendersOf(database.db, refundId);
    expect(tender).toMatchObject({ status: 'SUCCEEDED' });
  });
});

import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import type { PaymentGateway, ProviderRefund, RefundRequest } from '../../connectors/payments/port';
import { RefundExecutor } from './execution/executor';
import { GatewayRouter } from './execution/gateways';
import { deliver, orderData, receivedEvent, refundsOf, refundsRig, type RefundsRig } from './testing/refunds-kit';

/**
 * The executor works a claimed batch concurrently (issue 15) on real PostgreSQL: never more calls
 * at once per provider than its bound, never one tender twice (at once or at all, once settled),
 * and tenders of one refund one after another.
 */
let database: TestDatabase;
let rig: RefundsRig;

beforeAll(async () => {
  database = await createTestDatabase();
  rig = refundsRig(database.db);
});

afterAll(async () => {
  await database.drop();
});

const REFUNDS = 12;
const CONCURRENCY = 3;
/** How long a provider call takes: long enough that the executor's calls overlap. */
const CALL_MS = 40;

/** A card provider that answers SUCCEEDED after `CALL_MS`, watching what is in flight. */
class WatchingProvider implements PaymentGateway {
  readonly provider = 'simulated';
  inFlight = 0;
  maxInFlight = 0;
  readonly calls = new Map<string, number>();
  readonly tendersInFlight = new Set<string>();
  readonly refundsInFlight = new Map<string, number>();
  overlaps: string[] = [];

  constructor(private readonly refundOfReference: Map<string, string>) {}

  async createRefund(request: RefundRequest): Promise<ProviderRefund> {
    const refund = this.refundOfReference.get(request.paymentReference) ?? 'unknown';
    if (this.tendersInFlight.has(request.refundId)) this.overlaps.push(`tender ${request.refundId}`);
    if ((this.refundsInFlight.get(refund) ?? 0) > 0) this.overlaps.push(`refund ${refund}`);
    this.tendersInFlight.add(request.refundId);
    this.refundsInFlight.set(refund, (this.refundsInFlight.get(refund) ?? 0) + 1);
    this.calls.set(request.refundId, (this.calls.get(request.refundId) ?? 0) + 1);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((resolve) => setTimeout(resolve, CALL_MS));
    this.inFlight--;
    this.tendersInFlight.delete(request.refundId);
    this.refundsInFlight.set(refund, (this.refundsInFlight.get(refund) ?? 1) - 1);
    return { providerRefundId: `re_${request.refundId}`, status: 'SUCCEEDED', amountMinor: request.amountMinor, currency: request.currency };
  }

  async getRefund(providerRefundId: string): Promise<ProviderRefund> {
    throw new Error(`not asked in this test: ${providerRefundId}`);
  }
}

describe('the refund executor works a batch concurrently', () => {
  it('keeps each provider within its bound, calls every tender once, and works the tenders of one refund one after another', async () => {
    const orderOfReference = new Map<string, string>();
    const refundIds: string[] = [];
    for (let i = 0; i < REFUNDS; i++) {
      // Two card payments: each refund has two tenders of the same provider.
      const order = orderData({
        lines: [{ sku: 'SKU-C', quantity: 2, unitPriceMinor: 1000 }],
        payments: [
          { method: 'CARD', capturedMinor: 1000 },
          { method: 'CARD', capturedMinor: 1000 },
        ],
      });
      await rig.recordOrder(order);
      const ret = await rig.authorize(order, [{ line: 0, quantity: 2 }]);
      await deliver(rig.returnRefunds, receivedEvent(ret));
      const [refund] = await refundsOf(database.db, { returnId: ret.returnId });
      if (!refund) throw new Error(`no refund for return ${ret.returnId}`);
      refundIds.push(refund.id);
      for (const payment of order.payments) orderOfReference.set(payment.providerReference, refund.id);
    }
    const provider = new WatchingProvider(orderOfReference);
    const executor = new RefundExecutor(database.db, new GatewayRouter([provider]), { concurrency: CONCURRENCY });

    let worked = 0;
    for (let round = 0; round < 10 && worked < 2 * REFUNDS; round++) worked += await executor.runOnce();

    expect(worked).toBe(2 * REFUNDS);
    expect(provider.overlaps).toEqual([]);
    expect([...provider.calls.values()]).toEqual(Array.from({ length: 2 * REFUNDS }, () => 1));
    expect(provider.maxInFlight).toBeLessThanOrEqual(CONCURRENCY);
    expect(provider.maxInFlight).toBeGreaterThan(1);
    const { rows } = await database.db.query<{ status: string; n: number }>(
      `SELECT status, count(*)::int AS n FROM refunds.refunds WHERE id = ANY($1) GROUP BY status`,
      [refundIds],
    );
    expect(rows).toEqual([{ status: 'SUCCEEDED', n: REFUNDS }]);
  });

  it('refuses a concurrency below 1, naming it', () => {
    expect(() => new RefundExecutor(database.db, new GatewayRouter([]), { concurrency: 0 })).toThrow(/concurrency must be an integer >= 1, but got: 0/);
  });
});

import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { PaymentUnavailableError, type ProviderRefund } from '../port';
import { SimulatedGateway } from './simulated-gateway';
import { DRILL_DECLINE_REASON, isFirstGeneration } from './simulated-options';

/** The refund failure drill (DRILL_REFUND_FAILURE_PERCENT, DRILL_REFUND_TIMEOUT_PERCENT) on the simulated gateway. */
const N = 200;

let database: TestDatabase;
let counter = 0;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

async function payment(gateway: SimulatedGateway): Promise<string> {
  const reference = `drill_pay_${process.pid}_${++counter}`;
  await gateway.registerPayment(reference, 1_000_000, 'USD');
  return reference;
}

/** `tenderRefundKey` of tender `i` in generation `generation`. */
const key = (i: number, generation: number) => `rft_drill_${counter}_${i}:g${generation}`;

describe('the refund failure drill', () => {
  it('declines that share of first attempts, and never the retry (a new tender generation)', async () => {
    const gateway = new SimulatedGateway(database.db, { settlementDelayMs: 0, drill: { declinePercent: 30, timeoutPercent: 0 } });
    const reference = await payment(gateway);
    const first: string[] = [];
    for (let i = 0; i < N; i++) {
      await gateway.createRefund({ refundId: key(i, 1), paymentReference: reference, amountMinor: 100, currency: 'USD' });
    }
    for (let i = 0; i < N; i++) {
      const { rows } = await database.db.query<{ outcome: string; failure_reason: string | null }>(
        `SELECT outcome, failure_reason FROM payments_sim.refunds WHERE idempotency_key LIKE '%' || $1`,
        [key(i, 1)],
      );
      if (rows[0]!.outcome === 'FAILED') {
        expect(rows[0]!.failure_reason).toBe(DRILL_DECLINE_REASON);
        first.push(key(i, 1));
      }
    }
    // A hash share: about 30 % of 200 (the draw is deterministic, so this never flakes for these keys).
    expect(first.length).toBeGreaterThan(N * 0.2);
    expect(first.length).toBeLessThan(N * 0.4);
    // The same key again is the same refund, still failed: a retry within one generation agrees.
    const again = await gateway.createRefund({ refundId: first[0]!, paymentReference: reference, amountMinor: 100, currency: 'USD' });
    expect(again).toMatchObject({ status: 'FAILED', failureReason: DRILL_DECLINE_REASON });
    // retryRefund starts generation 2: every declined tender now succeeds.
    for (const failed of first) {
      const retried = await gateway.createRefund({ refundId: failed.replace(/:g1$/, ':g2'), paymentReference: reference, amountMinor: 100, currency: 'USD' });
      expect(retried.status).toBe('SUCCEEDED');
    }
  });

  it("times out that share of calls, per attempt: the executor's retry with the same key gets the recorded refund", async () => {
    const gateway = new SimulatedGateway(database.db, { settlementDelayMs: 0, drill: { declinePercent: 0, timeoutPercent: 40 } });
    const reference = await payment(gateway);
    let timeouts = 0;
    let calls = 0;
    for (let i = 0; i < N; i++) {
      let answer: ProviderRefund | undefined;
      for (let attempt = 0; attempt < 20 && !answer; attempt++) {
        calls += 1;
        try {
          answer = await gateway.createRefund({ refundId: key(i, 1), paymentReference: reference, amountMinor: 100, currency: 'USD' });
        } catch (error) {
          expect(error).toBeInstanceOf(PaymentUnavailableError);
          timeouts += 1;
        }
      }
      expect(answer?.status).toBe('SUCCEEDED');
    }
    // Every refund got through, exactly one provider refund each, and about 40 % of calls timed out.
    const { rows } = await database.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM payments_sim.refunds WHERE payment_reference = $1`, [reference]);
    expect(rows[0]!.n).toBe(N);
    expect(timeouts / calls).toBeGreaterThan(0.3);
    expect(timeouts / calls).toBeLessThan(0.5);
  });

  it('does nothing when off, and knows a first generation', async () => {
    const gateway = new SimulatedGateway(database.db, { settlementDelayMs: 0 });
    const reference = await payment(gateway);
    for (let i = 0; i < 20; i++) {
      await expect(gateway.createRefund({ refundId: key(i, 1), paymentReference: reference, amountMinor: 100, currency: 'USD' })).resolves.toMatchObject({
        status: 'SUCCEEDED',
      });
    }
    expect([isFirstGeneration('rft_1:g1'), isFirstGeneration('rfd_1'), isFirstGeneration('rft_1:g2'), isFirstGeneration('rft_1:g12')]).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });
});

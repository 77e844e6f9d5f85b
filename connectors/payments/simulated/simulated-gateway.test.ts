import { newId } from '../../../platform/ids';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { describePaymentGatewayContract } from '../testing/payment-gateway.contract';
import { PaymentDeclinedError, PaymentUnavailableError, providerIdempotencyKey, type RefundRequest } from '../port';
import { SimulatedGateway } from './simulated-gateway';
import { DEFAULT_SETTLEMENT_DELAY_MS, deterministicDraw } from './simulated-options';

/** Settlement delay used by most tests: short, yet long enough to observe PENDING first. */
const TEST_SETTLEMENT_MS = 150;
/** Margin past the settlement time before asserting the settled state (clock reads, slow CI). */
const SETTLE_MARGIN_MS = 100;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

let database: TestDatabase;
let paymentCounter = 0;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

/** A new registered payment of `capturedMinor` USD, unique to the calling test. */
async function payment(gateway: SimulatedGateway, capturedMinor = 10_000): Promise<string> {
  const reference = `sim_pay_${process.pid}_${++paymentCounter}`;
  await gateway.registerPayment(reference, capturedMinor, 'USD');
  return reference;
}

function request(paymentReference: string, amountMinor: number, refundId = newId('refund')): RefundRequest {
  return { refundId, paymentReference, amountMinor, currency: 'USD', reason: 'requested_by_customer' };
}

async function declineCode(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PaymentDeclinedError);
  return (error as PaymentDeclinedError).code;
}

async function rowsForKey(refundId: string): Promise<number> {
  const { rows } = await database.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM payments_sim.refunds WHERE idempotency_key = $1`, [
    providerIdempotencyKey(refundId),
  ]);
  return rows[0]!.n;
}

describePaymentGatewayContract('simulated', async () => {
  const gateway = new SimulatedGateway(database.db, { settlementDelayMs: TEST_SETTLEMENT_MS });
  return {
    gateway,
    addPayment: (reference, amountMinor, currency) => gateway.registerPayment(reference, amountMinor, currency),
    // The simulated gateway settles by itself; "driving" it is waiting out the delay.
    settle: () => sleep(TEST_SETTLEMENT_MS + SETTLE_MARGIN_MS),
  };
});

describe('SimulatedGateway', () => {
  it('creates a PENDING refund that settles SUCCEEDED after the settlement delay', async () => {
    const gateway = new SimulatedGateway(database.db, { settlementDelayMs: TEST_SETTLEMENT_MS });
    const reference = await payment(gateway);
    const created = await gateway.createRefund(request(reference, 2_500));
    expect(created).toMatchObject({ status: 'PENDING', amountMinor: 2_500, currency: 'USD', failureReason: null });
    expect(created.providerRefundId).toMatch(/^sre_[0-9a-f]{24}$/);
    expect((await gateway.getRefund(created.providerRefundId)).status).toBe('PENDING');

    await sleep(TEST_SETTLEMENT_MS + SETTLE_MARGIN_MS);
    expect(await gateway.getRefund(created.providerRefundId)).toEqual({ ...created, status: 'SUCCEEDED' });
  });

  it('keeps refunds pending for the default settlement delay', async () => {
    const gateway = new SimulatedGateway(database.db);
    const reference = await payment(gateway);
    const created = await gateway.createRefund(request(reference, 100));
    expect(created.status).toBe('PENDING');
    await sleep(DEFAULT_SETTLEMENT_DELAY_MS + SETTLE_MARGIN_MS);
    expect((await gateway.getRefund(created.providerRefundId)).status).toBe('SUCCEEDED');
  });

  it('settles every refund FAILED with failure rate 1, and a failed refund releases its amount', async () => {
    const gateway = new SimulatedGateway(database.db, { settlementDelayMs: TEST_SETTLEMENT_MS, failureRate: 1 });
    const reference = await payment(gateway, 1_000);
    const created = await gateway.createRefund(request(reference, 1_000));
    expect(created.status).toBe('PENDING');
    // Until it has failed, the pending refund holds the whole payment.
    expect(await declineCode(gateway.createRefund(request(reference, 1)))).toBe('amount_too_large');

    await sleep(TEST_SETTLEMENT_MS + SETTLE_MARGIN_MS);
    expect(await gateway.getRefund(created.providerRefundId)).toMatchObject({ status: 'FAILED', failureReason: 'simulated_failure' });
    const healthy = new SimulatedGateway(database.db, { settlementDelayMs: 0 });
    expect((await healthy.createRefund(request(reference, 1_000))).status).toBe('SUCCEEDED');
  });

  it('decides failures deterministically per refund id, identically in every instance', async () => {
    const first = new SimulatedGateway(database.db, { settlementDelayMs: 0, failureRate: 0.5 });
    const second = new SimulatedGateway(database.db, { settlementDelayMs: 0, failureRate: 0.5 });
    const reference = await payment(first, 1_000_000);
    const ids = Array.from({ length: 40 }, () => newId('refund'));
    const statuses = [];
    for (const refundId of ids) {
      const refund = await first.createRefund(request(reference, 10, refundId));
      expect(refund.status).toBe(deterministicDraw(refundId, 'failure') < 0.5 ? 'FAILED' : 'SUCCEEDED');
      expect(await second.createRefund(request(reference, 10, refundId))).toEqual(refund);
      statuses.push(refund.status);
    }
    // A fair draw: both outcomes occur (the chance of 40 equal outcomes is 2 in a trillion).
    expect(new Set(statuses)).toEqual(new Set(['FAILED', 'SUCCEEDED']));
  });

  it('records the refund but throws PaymentUnavailableError on a timeout, and the retry returns the same refund', async () => {
    const gateway = new SimulatedGateway(database.db, { settlementDelayMs: TEST_SETTLEMENT_MS, timeoutRate: 1 });
    const reference = await payment(gateway);
    const attempt = request(reference, 3_000);
    await expect(gateway.createRefund(attempt)).rejects.toBeInstanceOf(PaymentUnavailableError);
    expect(await rowsForKey(attempt.refundId)).toBe(1);

    const retried = await gateway.createRefund(attempt);
    const again = await gateway.createRefund(attempt);
    expect(again).toEqual(retried);
    expect(await rowsForKey(attempt.refundId)).toBe(1);
    // The lost first answer still counted: only what is left can be refunded.
    expect(await declineCode(gateway.createRefund(request(reference, 7_001)))).toBe('amount_too_large');
  });

  it('returns the same refund for the same key from a new instance on the same database (after a restart)', async () => {
    const beforeCrash = new SimulatedGateway(database.db, { settlementDelayMs: TEST_SETTLEMENT_MS });
    const reference = await payment(beforeCrash);
    const attempt = request(reference, 4_000);
    const original = await beforeCrash.createRefund(attempt);

    const afterRestart = new SimulatedGateway(database.db, { settlementDelayMs: TEST_SETTLEMENT_MS });
    expect(await afterRestart.createRefund(attempt)).toEqual(original);
    expect(await rowsForKey(attempt.refundId)).toBe(1);
    await sleep(TEST_SETTLEMENT_MS + SETTLE_MARGIN_MS);
    expect((await afterRestart.getRefund(original.providerRefundId)).status).toBe('SUCCEEDED');
  });

  it('refuses an over-refund across several refunds of one payment', async () => {
    const gateway = new SimulatedGateway(database.db, { settlementDelayMs: 0 });
    const reference = await payment(gateway, 10_000);
    await gateway.createRefund(request(reference, 4_000));
    await gateway.createRefund(request(reference, 4_000));
    expect(await declineCode(gateway.createRefund(request(reference, 2_001)))).toBe('amount_too_large');
    expect((await gateway.createRefund(request(reference, 2_000))).status).toBe('SUCCEEDED');
    expect(await declineCode(gateway.createRefund(request(reference, 1)))).toBe('amount_too_large');
  });

  it('lets only as many concurrent refunds through as the captured amount allows', async () => {
    const gateway = new SimulatedGateway(database.db, { settlementDelayMs: 0 });
    const reference = await payment(gateway, 10_000);
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => gateway.createRefund(request(reference, 3_000))));
    const accepted = results.filter((r) => r.status === 'fulfilled');
    expect(accepted).toHaveLength(3);
    for (const r of results) {
      if (r.status === 'rejected') expect((r.reason as PaymentDeclinedError).code).toBe('amount_too_large');
    }
  });

  it('answers concurrent calls with the same key with one refund', async () => {
    const gateway = new SimulatedGateway(database.db, { settlementDelayMs: 0 });
    const reference = await payment(gateway);
    const attempt = request(reference, 500);
    const answers = await Promise.all(Array.from({ length: 5 }, () => gateway.createRefund(attempt)));
    expect(new Set(answers.map((a) => a.providerRefundId)).size).toBe(1);
    expect(await rowsForKey(attempt.refundId)).toBe(1);
  });

  it('refuses the same key with other parameters as idempotency_error', async () => {
    const gateway = new SimulatedGateway(database.db);
    const reference = await payment(gateway);
    const other = await payment(gateway);
    const attempt = request(reference, 1_000);
    await gateway.createRefund(attempt);
    expect(await declineCode(gateway.createRefund({ ...attempt, amountMinor: 999 }))).toBe('idempotency_error');
    expect(await declineCode(gateway.createRefund({ ...attempt, paymentReference: other }))).toBe('idempotency_error');
    // The reason is not money-bearing: a retry that words it differently is the same refund.
    expect((await gateway.createRefund({ ...attempt, reason: 'other words' })).amountMinor).toBe(1_000);
  });

  it('declines an unknown payment, a currency mismatch and malformed requests', async () => {
    const gateway = new SimulatedGateway(database.db);
    const reference = await payment(gateway);
    expect(await declineCode(gateway.createRefund(request('no_such_payment', 100)))).toBe('resource_missing');
    expect(await declineCode(gateway.createRefund({ ...request(reference, 100), currency: 'EUR' }))).toBe('currency_mismatch');
    expect(await declineCode(gateway.createRefund(request(reference, 0)))).toBe('invalid_request');
    expect(await declineCode(gateway.createRefund(request(reference, 12.5)))).toBe('invalid_request');
    expect(await declineCode(gateway.getRefund('sre_000000000000000000000000'))).toBe('resource_missing');
  });

  it('applies injected faults to the next calls only: unavailable records nothing, timeout records, settle-failed fails', async () => {
    const gateway = new SimulatedGateway(database.db, { settlementDelayMs: 0 });
    const reference = await payment(gateway);
    gateway.injectFaults('unavailable', 2);
    gateway.injectFaults('timeout');
    expect(gateway.pendingFaults()).toEqual(['unavailable', 'unavailable', 'timeout']);

    const attempt = request(reference, 1_000);
    await expect(gateway.createRefund(attempt)).rejects.toBeInstanceOf(PaymentUnavailableError);
    await expect(gateway.createRefund(attempt)).rejects.toBeInstanceOf(PaymentUnavailableError);
    expect(await rowsForKey(attempt.refundId)).toBe(0);
    await expect(gateway.createRefund(attempt)).rejects.toBeInstanceOf(PaymentUnavailableError);
    expect(await rowsForKey(attempt.refundId)).toBe(1);
    expect(gateway.pendingFaults()).toEqual([]);
    // A replay consumes a fault too, but the existing refund keeps the outcome it was created with.
    gateway.injectFaults('settle-failed');
    expect((await gateway.createRefund(attempt)).status).toBe('SUCCEEDED');

    gateway.injectFaults('settle-failed');
    expect(await gateway.createRefund(request(reference, 1_000))).toMatchObject({ status: 'FAILED', failureReason: 'simulated_failure' });
    expect(gateway.pendingFaults()).toEqual([]);
    expect((await gateway.createRefund(request(reference, 1_000))).status).toBe('SUCCEEDED');
  });

  it('registers a payment idempotently and refuses to change its captured amount', async () => {
    const gateway = new SimulatedGateway(database.db);
    const reference = await payment(gateway, 5_000);
    await expect(gateway.registerPayment(reference, 5_000, 'USD')).resolves.toBeUndefined();
    await expect(gateway.registerPayment(reference, 6_000, 'USD')).rejects.toThrow(/registered as 5000 USD/);
    await expect(gateway.registerPayment(reference, 5_000, 'usd')).rejects.toThrow(/ISO 4217/);
    await expect(gateway.registerPayment('', 5_000, 'USD')).rejects.toThrow(/reference/);
  });

  it('validates options at construction, stating the contract and the value received', () => {
    expect(() => new SimulatedGateway(database.db, { failureRate: 1.5 })).toThrow('failureRate must be a probability from 0 to 1, but got: 1.5');
    expect(() => new SimulatedGateway(database.db, { timeoutRate: -0.1 })).toThrow('timeoutRate must be a probability from 0 to 1, but got: -0.1');
    expect(() => new SimulatedGateway(database.db, { settlementDelayMs: 0.5 })).toThrow(/settlementDelayMs must be an integer of milliseconds.*but got: 0.5/);
    expect(() => new SimulatedGateway(database.db, { settlementDelayMs: Number.NaN })).toThrow(/but got: NaN/);
    expect(() => new SimulatedGateway(database.db).injectFaults('timeout', 0)).toThrow(/positive integer count/);
  });

  it('reports the provider as simulated', () => {
    expect(new SimulatedGateway(database.db).provider).toBe('simulated');
  });
});

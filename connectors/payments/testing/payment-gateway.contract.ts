/**
 * The one suite every `PaymentGateway` adapter passes (simulated, Stripe, Adyen), in
 * the manner of `platform/db/db.contract.ts`: the refunds subgraph relies on exactly these
 * behaviours, whichever provider sits behind the port.
 */
import { randomBytes } from 'node:crypto';
import { newId } from '../../../platform/ids';
import { PaymentDeclinedError, type PaymentGateway, type ProviderRefund } from '../port';

/** What an adapter's test gives the shared suite. */
export interface PaymentGatewayHarness {
  /** The adapter under test. */
  gateway: PaymentGateway;
  /** Registers a captured payment of `amountMinor` (our minor units) at the provider (or its fake). */
  addPayment(reference: string, amountMinor: number, currency: string): Promise<void> | void;
  /**
   * A new, unused payment reference in the provider's format. Default: `pi_contract_<random>`
   * (a Stripe payment intent), which any adapter without a format of its own also accepts.
   */
  newPaymentReference?(): string;
  /**
   * Makes the provider's records of these refunds readable by `listRefunds`, for a provider that
   * publishes them later than it makes the refund (Adyen: the refunds settle, their settlement
   * batch closes, its report is published and announced by a `REPORT_AVAILABLE` notification that
   * the adapter's own index records). Called before every `listRefunds` of the suite. Default:
   * none — the records are readable as soon as the refund exists (Stripe's list, the simulated ledger).
   */
  publishRecords?(refunds: readonly ProviderRefund[]): Promise<void>;
  /** Moves a pending refund to SUCCEEDED at the provider, when the provider can be driven. */
  settle?(providerRefundId: string): Promise<void>;
  /** Releases servers and connections. */
  dispose?(): Promise<void>;
}

/** How far around "now" a listing window reaches: Stripe's `created` has whole seconds, and clocks of a test box drift a little. */
const LIST_MARGIN_MS = 5_000;

const STATUSES: ReadonlySet<ProviderRefund['status']> = new Set(['PENDING', 'SUCCEEDED', 'FAILED', 'REQUIRES_ACTION', 'CANCELED']);

/**
 * The behaviour every `PaymentGateway` adapter must show, whatever the provider: refunds read back
 * as created, one provider refund per refund id however often it is asked for, refusals of
 * over-refunds and unknown payments as `PaymentDeclinedError`, exact minor units. Run by each
 * adapter's test with its own harness (`stripe/stripe.test.ts`, `adyen/adyen.test.ts`; the simulated gateway likewise).
 */
export function describePaymentGatewayContract(name: string, setup: () => Promise<PaymentGatewayHarness>): void {
  describe(`PaymentGateway contract: ${name}`, () => {
    let harness: PaymentGatewayHarness;
    let gateway: PaymentGateway;

    beforeAll(async () => {
      harness = await setup();
      gateway = harness.gateway;
    });
    afterAll(async () => {
      await harness?.dispose?.();
    });

    /** A fresh captured payment of `amountMinor`; returns its reference. */
    async function payment(amountMinor: number, currency = 'USD'): Promise<string> {
      const reference = harness.newPaymentReference?.() ?? `pi_contract_${randomBytes(8).toString('hex')}`;
      await harness.addPayment(reference, amountMinor, currency);
      return reference;
    }

    it('creates a refund and reads the same refund back', async () => {
      const paymentReference = await payment(5_000);
      const created = await gateway.createRefund({
        refundId: newId('rfd'),
        paymentReference,
        amountMinor: 1_250,
        currency: 'USD',
        reason: 'requested_by_customer',
      });
      expect(created.providerRefundId).toEqual(expect.any(String));
      expect(created.providerRefundId).not.toHaveLength(0);
      expect(created).toMatchObject({ amountMinor: 1_250, currency: 'USD' });
      expect(STATUSES.has(created.status)).toBe(true);
      const read = await gateway.getRefund(created.providerRefundId);
      expect(read).toMatchObject({ providerRefundId: created.providerRefundId, amountMinor: 1_250, currency: 'USD', status: created.status });
    });

    it('returns the same provider refund for the same refund id and never makes a second', async () => {
      const paymentReference = await payment(1_000);
      const request = { refundId: newId('rfd'), paymentReference, amountMinor: 400, currency: 'USD' };
      const first = await gateway.createRefund(request);
      const second = await gateway.createRefund(request);
      expect(second.providerRefundId).toBe(first.providerRefundId);
      // Had the repeat refunded again, 800 of 1,000 would be gone and 600 more could not fit.
      const rest = await gateway.createRefund({ refundId: newId('rfd'), paymentReference, amountMinor: 600, currency: 'USD' });
      expect(rest.providerRefundId).not.toBe(first.providerRefundId);
    });

    it('refuses a refund larger than the payment with PaymentDeclinedError', async () => {
      const paymentReference = await payment(1_000);
      await expect(gateway.createRefund({ refundId: newId('rfd'), paymentReference, amountMinor: 1_001, currency: 'USD' })).rejects.toBeInstanceOf(
        PaymentDeclinedError,
      );
    });

    it('refuses a refund beyond what earlier refunds left with PaymentDeclinedError', async () => {
      const paymentReference = await payment(1_000);
      await gateway.createRefund({ refundId: newId('rfd'), paymentReference, amountMinor: 700, currency: 'USD' });
      await expect(gateway.createRefund({ refundId: newId('rfd'), paymentReference, amountMinor: 301, currency: 'USD' })).rejects.toBeInstanceOf(
        PaymentDeclinedError,
      );
      await gateway.createRefund({ refundId: newId('rfd'), paymentReference, amountMinor: 300, currency: 'USD' });
      await expect(gateway.createRefund({ refundId: newId('rfd'), paymentReference, amountMinor: 1, currency: 'USD' })).rejects.toBeInstanceOf(
        PaymentDeclinedError,
      );
    });

    it('refuses a refund of an unknown payment with PaymentDeclinedError', async () => {
      const unknown = harness.newPaymentReference?.() ?? `pi_contract_unknown_${randomBytes(8).toString('hex')}`;
      await expect(gateway.createRefund({ refundId: newId('rfd'), paymentReference: unknown, amountMinor: 100, currency: 'USD' })).rejects.toBeInstanceOf(
        PaymentDeclinedError,
      );
    });

    it.each([
      [1, 'USD'],
      [99_999_999, 'USD'],
      [1, 'JPY'],
      [7, 'ISK'],
      [12_340, 'KWD'],
      [1_999, 'EUR'],
    ])('round-trips %i minor units of %s exactly', async (amountMinor, currency) => {
      const paymentReference = await payment(amountMinor, currency);
      const created = await gateway.createRefund({ refundId: newId('rfd'), paymentReference, amountMinor, currency });
      expect(created).toMatchObject({ amountMinor, currency });
      expect(await gateway.getRefund(created.providerRefundId)).toMatchObject({ amountMinor, currency });
    });

    // Listing is optional on the port: an adapter without it is reconciled as "provider side unread".
    it('lists a refund made now in a window around now, exactly, and not in a window before it', async () => {
      if (!gateway.listRefunds) return;
      const before = new Date(Date.now() - LIST_MARGIN_MS);
      const paymentReference = await payment(3_000, 'EUR');
      const refundId = `${newId('rft')}:g1`;
      const created = await gateway.createRefund({ refundId, paymentReference, amountMinor: 1_234, currency: 'EUR' });
      await harness.publishRecords?.([created]);
      const listed = await gateway.listRefunds({ from: before, to: new Date(Date.now() + LIST_MARGIN_MS) });
      const record = listed.find((r) => r.providerRefundId === created.providerRefundId);
      expect(record).toMatchObject({ amountMinor: 1_234, currency: 'EUR', reference: refundId });
      expect(record?.paymentReference).toBe(paymentReference);
      expect(STATUSES.has(record?.status ?? ('?' as ProviderRefund['status']))).toBe(true);
      expect(record?.createdAt.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1_000);
      const earlier = await gateway.listRefunds({ from: new Date(before.getTime() - 3_600_000), to: new Date(before.getTime() - 60_000) });
      expect(earlier.map((r) => r.providerRefundId)).not.toContain(created.providerRefundId);
    });

    it('reports a refund the provider settled as SUCCEEDED, and an unsettled one unchanged', async () => {
      const paymentReference = await payment(2_000);
      const created = await gateway.createRefund({ refundId: newId('rfd'), paymentReference, amountMinor: 2_000, currency: 'USD' });
      // Only a harness that can drive the provider settles; without it the state must hold still.
      if (harness.settle) await harness.settle(created.providerRefundId);
      const expected = harness.settle ? 'SUCCEEDED' : created.status;
      expect(await gateway.getRefund(created.providerRefundId)).toMatchObject({
        providerRefundId: created.providerRefundId,
        status: expected,
        amountMinor: 2_000,
      });
    });
  });
}

import { createServer } from 'node:net';
import { createTestDatabase } from '../../../test/support/database';
import { newId } from '../../../platform/ids';
import { describePaymentGatewayContract } from '../testing/payment-gateway.contract';
import { PaymentDeclinedError, PaymentUnavailableError, providerIdempotencyKey, type RefundRequest } from '../port';
import { FakeAdyenServer, FAKE_ADYEN_API_KEY, FAKE_ADYEN_MERCHANT_ACCOUNT } from './testing/fake-adyen-server';
import { fakePspReference } from './testing/fake-adyen-ledger';
import { adyenDecimalToValue, fromAdyenValue, toAdyenValue } from './adyen-amounts';
import { AdyenGateway } from './adyen-gateway';
import { AdyenReportIndex } from './adyen-report-index';
import { AdyenWebhookVerifier } from './adyen-webhooks';
import type { AdyenGatewayOptions } from './adyen-options';

/** Short enough to keep timeout tests quick, long enough for a loaded 2-core box to answer. */
const TEST_TIMEOUT_MS = 1_500;

/**
 * The contract over the fake Adyen, listing through the production path: report names come only
 * from signed REPORT_AVAILABLE notifications, verified and recorded in the index in PostgreSQL.
 */
describePaymentGatewayContract('Adyen (fake server)', async () => {
  const fake = await FakeAdyenServer.start();
  const database = await createTestDatabase({ maxConnections: 2 });
  const index = new AdyenReportIndex(database.db);
  const verifier = new AdyenWebhookVerifier({ hmacKey: fake.hmacKey, onReportAvailable: (name, url) => index.remember(name, url) });
  let batch = 0;
  return {
    gateway: new AdyenGateway({
      apiKey: FAKE_ADYEN_API_KEY,
      merchantAccount: FAKE_ADYEN_MERCHANT_ACCOUNT,
      environment: 'TEST',
      apiBase: fake.url,
      reportBase: fake.url,
      timeoutMs: TEST_TIMEOUT_MS,
      settlementReportNames: (window) => index.namesFor(window),
    }),
    newPaymentReference: fakePspReference,
    addPayment: (reference, amountMinor, currency) => {
      fake.addPayment(reference, toAdyenValue(amountMinor, currency), currency);
    },
    // Adyen books refunds into a report only once they settle and the batch closes; the fake has
    // no webhook URL here, so the announcement's signed body is handed to the verifier directly.
    publishRecords: async (refunds) => {
      for (const refund of refunds) await fake.settle(refund.providerRefundId, true);
      batch += 1;
      const announcement = await fake.sendReportAvailable(fake.publishSettlementReport(batch));
      await verifier.verify(announcement.body, {});
    },
    dispose: async () => {
      await fake.close();
      await database.drop();
    },
  };
});

describe('Adyen amounts', () => {
  it("converts to Adyen's decimals exactly where they differ from ISO 4217, and refuses what Adyen cannot express", () => {
    expect(toAdyenValue(7, 'ISK')).toBe(700);
    expect(toAdyenValue(1_500, 'CLP')).toBe(150_000);
    expect(toAdyenValue(1, 'JPY')).toBe(1);
    expect(toAdyenValue(12_345, 'KWD')).toBe(12_345);
    expect(toAdyenValue(1_999, 'EUR')).toBe(1_999);
    expect(toAdyenValue(500, 'CVE')).toBe(5);
    expect(() => toAdyenValue(501, 'CVE')).toThrow(PaymentDeclinedError);
    expect(fromAdyenValue(700, 'isk')).toBe(7);
    expect(fromAdyenValue(5, 'CVE')).toBe(500);
    expect(() => fromAdyenValue(701, 'ISK')).toThrow(RangeError);
    expect(adyenDecimalToValue('12.50', 'USD')).toBe(1_250);
    expect(adyenDecimalToValue('279.00', 'ISK')).toBe(27_900);
    expect(adyenDecimalToValue('1.234', 'KWD')).toBe(1_234);
    expect(adyenDecimalToValue('1000', 'JPY')).toBe(1_000);
    expect(() => adyenDecimalToValue('1.005', 'USD')).toThrow(RangeError);
    expect(() => adyenDecimalToValue('1e3', 'USD')).toThrow(RangeError);
  });
});

describe('AdyenGateway against the fake Adyen', () => {
  let fake: FakeAdyenServer;
  beforeAll(async () => {
    fake = await FakeAdyenServer.start();
  });
  afterAll(async () => {
    await fake.close();
  });

  function gateway(options: Partial<AdyenGatewayOptions> = {}): AdyenGateway {
    return new AdyenGateway({
      apiKey: FAKE_ADYEN_API_KEY,
      merchantAccount: FAKE_ADYEN_MERCHANT_ACCOUNT,
      environment: 'TEST',
      apiBase: fake.url,
      reportBase: fake.url,
      timeoutMs: TEST_TIMEOUT_MS,
      ...options,
    });
  }

  function refundOf(amountMinor: number, paid = 1_000): RefundRequest {
    const paymentReference = fake.addPayment(null, paid, 'USD');
    return { refundId: `${newId('rft')}:g1`, paymentReference, amountMinor, currency: 'USD' };
  }

  function postsWithKey(key: string): string[] {
    return fake.requests.filter((r) => r.method === 'POST' && r.idempotencyKey === key).map((r) => r.outcome);
  }

  it('refunds on the pspReference with our key as reference and Idempotency-Key, and answers PENDING with the modification pspReference', async () => {
    const request = { ...refundOf(300), reason: 'requested_by_customer' };
    const refund = await gateway().createRefund(request);
    expect(refund).toMatchObject({ status: 'PENDING', amountMinor: 300, currency: 'USD', failureReason: null });
    expect(refund.providerRefundId).toMatch(/^[A-Z0-9]{16}$/);
    expect(refund.providerRefundId).not.toBe(request.paymentReference);
    expect(postsWithKey(providerIdempotencyKey(request.refundId))).toEqual(['executed']);
    expect(fake.requests.at(-1)?.path).toBe(`/v72/payments/${request.paymentReference}/refunds`);
    expect(fake.refund(refund.providerRefundId)).toMatchObject({
      paymentPspReference: request.paymentReference,
      merchantAccount: FAKE_ADYEN_MERCHANT_ACCOUNT,
      reference: request.refundId,
      value: 300,
      currency: 'USD',
      state: 'received',
    });
  });

  it('declares that refunds settle by notification only, and reads back only what it created', async () => {
    const adyen = gateway();
    expect(adyen.settlesByWebhookOnly).toBe(true);
    const refund = await adyen.createRefund(refundOf(100));
    expect(await adyen.getRefund(refund.providerRefundId)).toEqual(refund);
    await expect(gateway().getRefund(refund.providerRefundId)).rejects.toBeInstanceOf(PaymentUnavailableError);
  });

  it('answers a 500 with PaymentUnavailableError, and the retry on the same key creates one refund', async () => {
    const request = refundOf(250);
    fake.injectFault('http_500');
    await expect(gateway().createRefund(request)).rejects.toBeInstanceOf(PaymentUnavailableError);
    await gateway().createRefund(request);
    expect(postsWithKey(providerIdempotencyKey(request.refundId))).toEqual(['http_500', 'executed']);
    expect(fake.refundsCreatedFor(request.paymentReference)).toBe(1);
  });

  it('answers PaymentUnavailableError when the connection drops after the refund was made, and the retry returns that refund', async () => {
    const request = refundOf(400);
    fake.injectFault('crash_after_create');
    await expect(gateway().createRefund(request)).rejects.toBeInstanceOf(PaymentUnavailableError);
    expect(fake.refundsCreatedFor(request.paymentReference)).toBe(1);
    const retried = await gateway().createRefund(request);
    expect(fake.refund(retried.providerRefundId)?.reference).toBe(request.refundId);
    expect(postsWithKey(providerIdempotencyKey(request.refundId))).toEqual(['crash_after_create', 'replayed']);
    expect(fake.refundsCreatedFor(request.paymentReference)).toBe(1);
  });

  it('answers PaymentUnavailableError on a timeout, and the retry returns the refund made meanwhile', async () => {
    const request = refundOf(600);
    fake.injectFault('hang');
    const started = Date.now();
    await expect(gateway({ timeoutMs: 300 }).createRefund(request)).rejects.toThrow(PaymentUnavailableError);
    expect(Date.now() - started).toBeLessThan(TEST_TIMEOUT_MS);
    const retried = await gateway().createRefund(request);
    expect(retried.amountMinor).toBe(600);
    expect(postsWithKey(providerIdempotencyKey(request.refundId))).toEqual(['hang', 'replayed']);
    expect(fake.refundsCreatedFor(request.paymentReference)).toBe(1);
  });

  it('refuses the same key with another amount, and refuses over-refunds and unknown payments with Adyen codes', async () => {
    const request = refundOf(1_000, 1_000);
    await gateway().createRefund(request);
    await expect(gateway().createRefund({ ...request, amountMinor: 999 })).rejects.toMatchObject({ name: 'PaymentDeclinedError', code: '702' });
    await expect(gateway().createRefund({ ...request, refundId: `${newId('rft')}:g1`, amountMinor: 1 })).rejects.toMatchObject({
      name: 'PaymentDeclinedError',
      code: '137',
    });
    await expect(gateway().createRefund({ ...request, refundId: `${newId('rft')}:g1`, paymentReference: fakePspReference() })).rejects.toMatchObject({
      name: 'PaymentDeclinedError',
      code: '167',
    });
    await expect(gateway().createRefund({ ...request, refundId: `${newId('rft')}:g1`, currency: 'EUR', amountMinor: 1 })).rejects.toMatchObject({
      code: '136',
    });
    expect(fake.refundsCreatedFor(request.paymentReference)).toBe(1);
  });

  it('answers PaymentUnavailableError for a wrong API key or merchant account, so the refund is not marked failed', async () => {
    await expect(gateway({ apiKey: 'AQE_revoked_key_of_someone_else' }).createRefund(refundOf(100))).rejects.toBeInstanceOf(PaymentUnavailableError);
    await expect(gateway({ merchantAccount: 'SomeoneElsesAccount' }).createRefund(refundOf(100))).rejects.toBeInstanceOf(PaymentUnavailableError);
  });

  it('answers PaymentUnavailableError when nothing listens at the API address', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    await expect(gateway({ apiBase: `http://127.0.0.1:${closedPort}` }).createRefund(refundOf(1))).rejects.toBeInstanceOf(PaymentUnavailableError);
  });

  it('refuses an amount Adyen cannot express without calling Adyen', async () => {
    const before = fake.requests.length;
    await expect(gateway().createRefund({ ...refundOf(5), currency: 'CVE', amountMinor: 5 })).rejects.toMatchObject({ code: 'amount_not_representable' });
    expect(fake.requests.length).toBe(before);
  });

  it('lists the refunds of the settlement details reports it is told about, reversed ones as FAILED', async () => {
    const adyen = gateway();
    const kept = refundOf(1_000, 5_000);
    const first = await adyen.createRefund(kept);
    const second = await adyen.createRefund({ ...kept, refundId: `${newId('rft')}:g1`, amountMinor: 250 });
    const pending = await adyen.createRefund({ ...kept, refundId: `${newId('rft')}:g1`, amountMinor: 5 });
    fake.webhookUrl = undefined;
    await fake.settle(first.providerRefundId, true);
    await fake.settle(second.providerRefundId, true);
    await fake.sendReversed(second.providerRefundId);
    const name = fake.publishSettlementReport(7);
    const window = { from: new Date(Date.now() - 60_000), to: new Date(Date.now() + 60_000) };
    const records = await gateway({ settlementReportNames: () => [name] }).listRefunds(window);
    expect(records.map((r) => r.providerRefundId).sort()).toEqual([first.providerRefundId, second.providerRefundId].sort());
    expect(records.find((r) => r.providerRefundId === first.providerRefundId)).toMatchObject({
      paymentReference: kept.paymentReference,
      amountMinor: 1_000,
      currency: 'USD',
      status: 'SUCCEEDED',
      reference: kept.refundId,
    });
    expect(records.find((r) => r.providerRefundId === second.providerRefundId)).toMatchObject({ amountMinor: 250, status: 'FAILED' });
    expect(records.some((r) => r.providerRefundId === pending.providerRefundId)).toBe(false);
    expect(await gateway({ settlementReportNames: () => [name] }).listRefunds({ from: new Date(0), to: new Date(1) })).toEqual([]);
    await expect(gateway({ settlementReportNames: () => ['settlement_detail_report_batch_999.csv'] }).listRefunds(window)).rejects.toBeInstanceOf(
      PaymentUnavailableError,
    );
    await expect(gateway().listRefunds(window)).rejects.toThrow('needs the settlementReportNames option');
  });

  it('refuses misconfiguration at construction, naming the contract and the value', () => {
    const valid: AdyenGatewayOptions = { apiKey: FAKE_ADYEN_API_KEY, merchantAccount: 'Shop', environment: 'TEST' };
    expect(() => new AdyenGateway({ ...valid, apiKey: '' })).toThrow('but got: an empty string');
    expect(() => new AdyenGateway({ ...valid, merchantAccount: 'a b' })).toThrow('merchantAccount');
    expect(() => new AdyenGateway({ ...valid, environment: 'PROD' as 'LIVE' })).toThrow('environment must be "TEST" or "LIVE", but got: PROD');
    expect(() => new AdyenGateway({ ...valid, environment: 'LIVE' })).toThrow('liveEndpointUrlPrefix is required');
    expect(() => new AdyenGateway({ ...valid, timeoutMs: 0 })).toThrow('timeoutMs must be a positive integer');
    expect(() => new AdyenGateway({ ...valid, apiBase: 'http://127.0.0.1:1/v71' })).toThrow('apiBase must be an http(s) origin');
    expect(() => new AdyenGateway({ ...valid, reportBase: 'ftp://example.com' })).toThrow('reportBase must be an http(s) origin');
    expect(new AdyenGateway({ ...valid, environment: 'LIVE', liveEndpointUrlPrefix: '1797a841fbb37ca7-AdyenDemo' }).provider).toBe('adyen');
  });
});

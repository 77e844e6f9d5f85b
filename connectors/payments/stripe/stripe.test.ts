import { createServer } from 'node:net';
import { newId } from '../../../platform/ids';
import { describePaymentGatewayContract } from '../testing/payment-gateway.contract';
import { PaymentDeclinedError, PaymentUnavailableError, providerIdempotencyKey, type RefundRequest } from '../port';
import { FakeStripeServer, FAKE_STRIPE_SECRET_KEY } from './testing/fake-stripe-server';
import { toStripeAmount } from './stripe-amounts';
import { StripeGateway, type StripeGatewayOptions } from './stripe-gateway';

/** Short enough to keep timeout tests quick, long enough for a loaded 2-core CI box to answer. */
const TEST_TIMEOUT_MS = 1_500;

describePaymentGatewayContract('Stripe (fake server)', async () => {
  const fake = await FakeStripeServer.start();
  return {
    gateway: new StripeGateway({ secretKey: FAKE_STRIPE_SECRET_KEY, apiBase: fake.url, maxNetworkRetries: 0, timeoutMs: TEST_TIMEOUT_MS }),
    addPayment: (id, amountMinor, currency) => fake.addPayment({ id, amountMinor: toStripeAmount(amountMinor, currency), currency }),
    settle: async (providerRefundId) => {
      await fake.settle(providerRefundId, 'succeeded');
    },
    dispose: () => fake.close(),
  };
});

describe('StripeGateway against the fake Stripe', () => {
  let fake: FakeStripeServer;
  beforeAll(async () => {
    fake = await FakeStripeServer.start();
  });
  afterAll(async () => {
    await fake.close();
  });

  function gateway(options: Partial<StripeGatewayOptions> = {}): StripeGateway {
    return new StripeGateway({ secretKey: FAKE_STRIPE_SECRET_KEY, apiBase: fake.url, maxNetworkRetries: 0, timeoutMs: TEST_TIMEOUT_MS, ...options });
  }

  function refundOf(amountMinor: number, paid = 1_000): RefundRequest {
    const paymentReference = `pi_${newId('pay').slice(4)}`;
    fake.addPayment({ id: paymentReference, amountMinor: paid, currency: 'usd' });
    return { refundId: newId('rfd'), paymentReference, amountMinor, currency: 'USD' };
  }

  function postsWithKey(key: string): string[] {
    return fake.requests.filter((r) => r.method === 'POST' && r.idempotencyKey === key).map((r) => r.outcome);
  }

  it('sends the provider key derived from our refund id and echoes our refund id in metadata', async () => {
    const request = { ...refundOf(300), reason: 'requested_by_customer' };
    const refund = await gateway().createRefund(request);
    expect(postsWithKey(providerIdempotencyKey(request.refundId))).toEqual(['executed']);
    expect(fake.refund(refund.providerRefundId)).toMatchObject({
      payment_intent: request.paymentReference,
      charge: null,
      amount: 300,
      reason: 'requested_by_customer',
      metadata: { refund_id: request.refundId },
    });
  });

  it('refunds a charge reference as a charge and keeps a non-Stripe reason in metadata', async () => {
    const charge = `ch_${newId('pay').slice(4)}`;
    fake.addPayment({ id: charge, amountMinor: 500, currency: 'eur' });
    const refundId = newId('rfd');
    const refund = await gateway().createRefund({ refundId, paymentReference: charge, amountMinor: 500, currency: 'EUR', reason: 'damaged_on_arrival' });
    expect(refund).toMatchObject({ amountMinor: 500, currency: 'EUR', status: 'PENDING', failureReason: null });
    expect(fake.refund(refund.providerRefundId)).toMatchObject({
      charge,
      payment_intent: null,
      reason: null,
      metadata: { refund_id: refundId, reason: 'damaged_on_arrival' },
    });
  });

  it('rides out a 500 with the SDK retry on the same key and creates one refund', async () => {
    const request = refundOf(250);
    fake.injectFault('http_500');
    const refund = await gateway({ maxNetworkRetries: 2 }).createRefund(request);
    expect(postsWithKey(providerIdempotencyKey(request.refundId))).toEqual(['http_500', 'executed']);
    expect(fake.refundsCreatedFor(request.paymentReference)).toBe(1);
    expect(refund.amountMinor).toBe(250);
  });

  it('answers a 500 with PaymentUnavailableError, and the caller retry on the same key creates one refund', async () => {
    const request = refundOf(250);
    fake.injectFault('http_500');
    await expect(gateway().createRefund(request)).rejects.toBeInstanceOf(PaymentUnavailableError);
    await gateway().createRefund(request);
    expect(fake.refundsCreatedFor(request.paymentReference)).toBe(1);
  });

  it('answers PaymentUnavailableError when the connection drops after the refund was made, and the retry returns that refund', async () => {
    const request = refundOf(400);
    // Two drops: the SDK retries a reset connection once on its own, even with retries off.
    fake.injectFault('crash_after_create', 2);
    await expect(gateway().createRefund(request)).rejects.toBeInstanceOf(PaymentUnavailableError);
    expect(fake.refundsCreatedFor(request.paymentReference)).toBe(1);

    const retried = await gateway().createRefund(request);
    expect(fake.refund(retried.providerRefundId)?.metadata).toEqual({ refund_id: request.refundId });
    expect(postsWithKey(providerIdempotencyKey(request.refundId))).toEqual(['crash_after_create', 'crash_after_create', 'replayed']);
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

  it('refuses the same refund id with a different amount as idempotency_error', async () => {
    const request = refundOf(100);
    await gateway().createRefund(request);
    const reuse = gateway().createRefund({ ...request, amountMinor: 200 });
    await expect(reuse).rejects.toBeInstanceOf(PaymentDeclinedError);
    await expect(reuse).rejects.toMatchObject({ code: 'idempotency_error' });
    expect(fake.refundsCreatedFor(request.paymentReference)).toBe(1);
  });

  it("refuses over-refunds and unknown payments with Stripe's code", async () => {
    const request = refundOf(1_000, 1_000);
    await expect(gateway().createRefund({ ...request, refundId: newId('rfd'), amountMinor: 1_001 })).rejects.toMatchObject({
      name: 'PaymentDeclinedError',
      code: 'amount_too_large',
    });
    await gateway().createRefund(request);
    await expect(gateway().createRefund({ ...request, refundId: newId('rfd'), amountMinor: 1 })).rejects.toMatchObject({
      name: 'PaymentDeclinedError',
      code: 'charge_already_refunded',
    });
    await expect(gateway().createRefund({ ...request, refundId: newId('rfd'), paymentReference: 'pi_nowhere' })).rejects.toMatchObject({
      name: 'PaymentDeclinedError',
      code: 'resource_missing',
    });
    await expect(gateway().getRefund('re_nowhere')).rejects.toMatchObject({ name: 'PaymentDeclinedError', code: 'resource_missing' });
  });

  it('refuses a reference that is neither a payment intent nor a charge without calling Stripe', async () => {
    const before = fake.requests.length;
    await expect(gateway().createRefund({ refundId: newId('rfd'), paymentReference: 'pay_123', amountMinor: 1, currency: 'USD' })).rejects.toMatchObject({
      code: 'invalid_payment_reference',
    });
    await expect(gateway().createRefund({ ...refundOf(5), amountMinor: 5, currency: 'KWD' })).rejects.toMatchObject({ code: 'amount_not_representable' });
    expect(fake.requests.length).toBe(before);
  });

  it('releases the amount of a failed refund and reports the failure reason', async () => {
    const request = refundOf(1_000, 1_000);
    const first = await gateway().createRefund(request);
    await fake.settle(first.providerRefundId, 'failed', 'expired_or_canceled_card');
    expect(await gateway().getRefund(first.providerRefundId)).toMatchObject({ status: 'FAILED', failureReason: 'expired_or_canceled_card' });
    const again = await gateway().createRefund({ ...request, refundId: newId('rfd') });
    await fake.settle(again.providerRefundId, 'succeeded');
    expect(await gateway().getRefund(again.providerRefundId)).toMatchObject({ status: 'SUCCEEDED', failureReason: null });
  });

  it('answers PaymentUnavailableError for a key Stripe does not accept, so the refund is not marked failed', async () => {
    await expect(gateway({ secretKey: 'sk_test_revoked' }).createRefund(refundOf(100))).rejects.toBeInstanceOf(PaymentUnavailableError);
  });

  it('answers PaymentUnavailableError when nothing listens at the API address', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const unreachable = gateway({ apiBase: `http://127.0.0.1:${closedPort}` });
    await expect(unreachable.createRefund({ refundId: newId('rfd'), paymentReference: 'pi_x', amountMinor: 1, currency: 'USD' })).rejects.toBeInstanceOf(
      PaymentUnavailableError,
    );
  });

  it('refuses misconfiguration at construction, naming the contract and the value', () => {
    expect(() => new StripeGateway({ secretKey: '' })).toThrow('but got: an empty string');
    expect(() => new StripeGateway({ secretKey: 'pk_live_abc' })).toThrow('but got: a string starting "pk_"');
    expect(() => new StripeGateway({ secretKey: undefined as unknown as string })).toThrow('but got: undefined');
    expect(() => new StripeGateway({ secretKey: 'sk_test_x', timeoutMs: 0 })).toThrow('timeoutMs must be a positive integer');
    expect(() => new StripeGateway({ secretKey: 'sk_test_x', maxNetworkRetries: -1 })).toThrow('maxNetworkRetries must be an integer >= 0');
    expect(() => new StripeGateway({ secretKey: 'sk_test_x', apiBase: 'http://127.0.0.1:1/v1' })).toThrow('apiBase must be an http(s) origin');
    expect(() => new StripeGateway({ secretKey: 'sk_test_x', apiBase: 'ftp://example.com' })).toThrow('apiBase must be an http(s) origin');
    expect(new StripeGateway({ secretKey: 'sk_test_x' }).provider).toBe('stripe');
  });
});

describe('StripeGateway.listRefunds against the fake Stripe', () => {
  let fake: FakeStripeServer;
  beforeAll(async () => {
    fake = await FakeStripeServer.start();
  });
  afterAll(async () => {
    await fake.close();
  });

  it('answers GET /v1/refunds in Stripe list shape, newest first, paged by starting_after', async () => {
    const payment = `pi_${newId('pay').slice(4)}`;
    fake.addPayment({ id: payment, amountMinor: 1_000, currency: 'usd' });
    const gateway = new StripeGateway({ secretKey: FAKE_STRIPE_SECRET_KEY, apiBase: fake.url, maxNetworkRetries: 0 });
    const made = [];
    for (const amountMinor of [100, 200, 300])
      made.push(await gateway.createRefund({ refundId: newId('rfd'), paymentReference: payment, amountMinor, currency: 'USD' }));
    const get = async (query: string) => {
      const response = await fetch(`${fake.url}/v1/refunds?${query}`, { headers: { authorization: `Bearer ${FAKE_STRIPE_SECRET_KEY}` } });
      return { status: response.status, body: (await response.json()) as { object: string; data: { id: string }[]; has_more: boolean; url: string } };
    };
    const first = await get('limit=2');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ object: 'list', has_more: true, url: '/v1/refunds' });
    const ids = first.body.data.map((r) => r.id);
    const next = await get(`limit=2&starting_after=${ids[1]}`);
    const all = [...ids, ...next.body.data.map((r) => r.id)];
    // Newest first: the three just made lead the list in reverse order of creation.
    expect(all.slice(0, 3)).toEqual(made.map((r) => r.providerRefundId).reverse());
    expect((await get('limit=101')).status).toBe(400);
    expect((await get('colour=blue')).status).toBe(400);
  });

  it('reads every page (more than one of 100) of the window, with our key from the metadata', async () => {
    const gateway = new StripeGateway({ secretKey: FAKE_STRIPE_SECRET_KEY, apiBase: fake.url, maxNetworkRetries: 0 });
    const from = new Date(Date.now() - 2_000);
    const payment = `pi_${newId('pay').slice(4)}`;
    fake.addPayment({ id: payment, amountMinor: 1_000_000, currency: 'jpy' });
    const keys: string[] = [];
    for (let i = 0; i < 105; i++) {
      const refundId = `${newId('rft')}:g1`;
      keys.push(refundId);
      await gateway.createRefund({ refundId, paymentReference: payment, amountMinor: 7, currency: 'JPY' });
    }
    const listed = await gateway.listRefunds({ from, to: new Date(Date.now() + 2_000) });
    const ours = listed.filter((r) => r.paymentReference === payment);
    expect(ours).toHaveLength(105);
    expect(new Set(ours.map((r) => r.reference))).toEqual(new Set(keys));
    expect(ours.every((r) => r.amountMinor === 7 && r.currency === 'JPY')).toBe(true);
    const listCalls = fake.requests.filter((r) => r.method === 'GET' && r.path === '/v1/refunds');
    expect(listCalls.length).toBeGreaterThanOrEqual(2);
  });

  it('says the records are unknown (PaymentUnavailableError) when Stripe fails', async () => {
    const gateway = new StripeGateway({ secretKey: FAKE_STRIPE_SECRET_KEY, apiBase: fake.url, maxNetworkRetries: 0 });
    fake.injectFault('http_500');
    await expect(gateway.listRefunds({ from: new Date(Date.now() - 60_000), to: new Date() })).rejects.toBeInstanceOf(PaymentUnavailableError);
  });
});

import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { newId } from '../../../platform/ids';
import { InvalidWebhookError, type RefundWebhookEvent } from '../port';
import { FakeStripeServer, FAKE_STRIPE_SECRET_KEY, FAKE_STRIPE_WEBHOOK_SECRET } from './testing/fake-stripe-server';
import { stripeSignatureHeader } from './testing/fake-stripe-signing';
import { StripeGateway } from './stripe-gateway';
import { StripeWebhookVerifier, STRIPE_WEBHOOK_TOLERANCE_SECONDS } from './stripe-webhooks';

/** What the test endpoint made of one delivery. */
type Received = { event: RefundWebhookEvent | null } | { error: Error };

describe('StripeWebhookVerifier with webhooks from the fake Stripe', () => {
  const verifier = new StripeWebhookVerifier({ endpointSecret: FAKE_STRIPE_WEBHOOK_SECRET });
  const received: Received[] = [];
  let endpoint: Server;
  let fake: FakeStripeServer;
  let gateway: StripeGateway;

  beforeAll(async () => {
    // A webhook endpoint as the refunds subgraph runs one: raw body in, 400 for a bad signature.
    endpoint = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        try {
          // Stripe sends one event per request.
          received.push({ event: verifier.verify(Buffer.concat(chunks).toString('utf8'), req.headers as IncomingHttpHeaders)[0] ?? null });
          res.writeHead(200).end();
        } catch (error) {
          received.push({ error: error as Error });
          res.writeHead(error instanceof InvalidWebhookError ? 400 : 500).end();
        }
      });
    });
    await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
    const { port } = endpoint.address() as { port: number };
    fake = await FakeStripeServer.start({ webhookUrl: `http://127.0.0.1:${port}/webhooks/stripe` });
    gateway = new StripeGateway({ secretKey: FAKE_STRIPE_SECRET_KEY, apiBase: fake.url, maxNetworkRetries: 0 });
  });
  afterAll(async () => {
    await fake.close();
    await new Promise<void>((resolve) => endpoint.close(() => resolve()));
  });

  /** A pending refund of 700 at the fake, made through the gateway. */
  async function pendingRefund(): Promise<{ refundId: string; providerRefundId: string }> {
    const paymentReference = `pi_${newId('pay').slice(4)}`;
    fake.addPayment({ id: paymentReference, amountMinor: 700, currency: 'gbp' });
    const refundId = newId('rfd');
    const { providerRefundId } = await gateway.createRefund({ refundId, paymentReference, amountMinor: 700, currency: 'GBP' });
    return { refundId, providerRefundId };
  }

  function last(): Received {
    const entry = received.at(-1);
    if (!entry) throw new Error('the endpoint received nothing');
    return entry;
  }

  it('verifies a signed refund.updated and reports the settled refund with our refund id', async () => {
    const { refundId, providerRefundId } = await pendingRefund();
    const delivery = await fake.settle(providerRefundId, 'succeeded');
    expect(delivery.responseStatus).toBe(200);
    expect(last()).toEqual({
      event: {
        eventId: delivery.eventId,
        createdAt: expect.any(Date),
        refundId,
        refund: { providerRefundId, status: 'SUCCEEDED', amountMinor: 700, currency: 'GBP', failureReason: null },
      },
    });
    expect(Math.abs((last() as { event: RefundWebhookEvent }).event.createdAt.getTime() - Date.now())).toBeLessThan(5_000);
  });

  it('verifies a refund.failed and reports the failure reason', async () => {
    const { providerRefundId } = await pendingRefund();
    const delivery = await fake.settle(providerRefundId, 'failed', 'lost_or_stolen_card');
    expect(delivery.responseStatus).toBe(200);
    expect(last()).toMatchObject({ event: { eventId: delivery.eventId, refund: { status: 'FAILED', failureReason: 'lost_or_stolen_card' } } });
  });

  it('yields the same event id when Stripe delivers the same event twice', async () => {
    const { providerRefundId } = await pendingRefund();
    const first = await fake.settle(providerRefundId, 'succeeded');
    const firstEvent = last();
    const again = await fake.resend(first.eventId);
    expect(again.responseStatus).toBe(200);
    expect(again.headers['stripe-signature']).not.toBe(undefined);
    expect(last()).toEqual(firstEvent);
    expect((last() as { event: RefundWebhookEvent }).event.eventId).toBe(first.eventId);
  });

  it('rejects a payload changed after signing with InvalidWebhookError', async () => {
    const { providerRefundId } = await pendingRefund();
    const { eventId } = await fake.settle(providerRefundId, 'succeeded');
    const delivery = await fake.sendTampered(eventId, 'payload');
    expect(delivery.responseStatus).toBe(400);
    expect(last()).toEqual({ error: expect.any(InvalidWebhookError) });
  });

  it('rejects a signature made with another secret with InvalidWebhookError', async () => {
    const { providerRefundId } = await pendingRefund();
    const { eventId } = await fake.settle(providerRefundId, 'succeeded');
    expect((await fake.sendTampered(eventId, 'signature')).responseStatus).toBe(400);
    expect(last()).toEqual({ error: expect.any(InvalidWebhookError) });
  });

  it('rejects a correctly signed event older than the 300 s tolerance with InvalidWebhookError', async () => {
    const { providerRefundId } = await pendingRefund();
    const { eventId } = await fake.settle(providerRefundId, 'succeeded');
    expect((await fake.sendStale(eventId, STRIPE_WEBHOOK_TOLERANCE_SECONDS + 30)).responseStatus).toBe(400);
    expect(last()).toEqual({ error: expect.objectContaining({ name: 'InvalidWebhookError', message: expect.stringContaining('tolerance') }) });
  });

  it('returns null for a correctly signed event that is not about a refund', async () => {
    const delivery = await fake.sendEvent('charge.succeeded', { id: 'ch_123', object: 'charge', amount: 700, currency: 'gbp' });
    expect(delivery.responseStatus).toBe(200);
    expect(last()).toEqual({ event: null });
  });

  it('accepts charge.refund.updated, which Stripe sends for refunds on some payment methods', async () => {
    const { refundId, providerRefundId } = await pendingRefund();
    const refund = fake.refund(providerRefundId);
    if (!refund) throw new Error('refund missing at the fake');
    const delivery = await fake.sendEvent('charge.refund.updated', { ...refund, status: 'requires_action' });
    expect(last()).toMatchObject({ event: { eventId: delivery.eventId, refundId, refund: { providerRefundId, status: 'REQUIRES_ACTION' } } });
  });

  it('rejects a refund event whose object is not a refund with InvalidWebhookError', async () => {
    expect((await fake.sendEvent('refund.updated', { id: 'ch_123', object: 'charge' })).responseStatus).toBe(400);
    expect(last()).toEqual({ error: expect.objectContaining({ name: 'InvalidWebhookError', message: expect.stringContaining('does not carry a refund') }) });
  });

  it('rejects a request without a single Stripe-Signature header with InvalidWebhookError', () => {
    const body = JSON.stringify({ id: 'evt_1', object: 'event', type: 'refund.updated', created: 1, data: { object: {} } });
    const header = stripeSignatureHeader(body, FAKE_STRIPE_WEBHOOK_SECRET, Math.floor(Date.now() / 1000));
    expect(() => verifier.verify(body, {})).toThrow(InvalidWebhookError);
    expect(() => verifier.verify(body, { 'stripe-signature': [header, header] })).toThrow(InvalidWebhookError);
    expect(() =>
      verifier.verify('not json', { 'stripe-signature': stripeSignatureHeader('not json', FAKE_STRIPE_WEBHOOK_SECRET, Math.floor(Date.now() / 1000)) }),
    ).toThrow(InvalidWebhookError);
  });

  it('refuses misconfiguration at construction', () => {
    expect(() => new StripeWebhookVerifier({ endpointSecret: 'sk_test_wrong_kind' })).toThrow('endpointSecret');
    expect(() => new StripeWebhookVerifier({ endpointSecret: FAKE_STRIPE_WEBHOOK_SECRET, toleranceSeconds: 0 })).toThrow(
      'toleranceSeconds must be a positive integer',
    );
    expect(new StripeWebhookVerifier({ endpointSecret: FAKE_STRIPE_WEBHOOK_SECRET }).provider).toBe('stripe');
  });
});

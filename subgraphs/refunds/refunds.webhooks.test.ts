import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { listen, router, type RunningServer } from '../../platform/http/server';
import { FakeStripeServer, FAKE_STRIPE_SECRET_KEY, FAKE_STRIPE_WEBHOOK_SECRET } from '../../connectors/payments/stripe/testing/fake-stripe-server';
import { stripeSignatureHeader } from '../../connectors/payments/stripe/testing/fake-stripe-signing';
import { StripeGateway } from '../../connectors/payments/stripe/stripe-gateway';
import { StripeWebhookVerifier } from '../../connectors/payments/stripe/stripe-webhooks';
import { RefundExecutor, tenderRefundKey } from './execution/executor';
import { GatewayRouter } from './execution/gateways';
import { RefundSucceeded } from '../../contracts/events/refunds';
import { webhookRoute } from './webhooks';
import { retryRefund } from './manual';
import { principals } from '../../test/support/principals';
import { deliver, orderData, outboxEvents, receivedEvent, refundsOf, refundsRig, tendersOf, type RefundsRig } from './testing/refunds-kit';
import { writeTransaction } from '../../platform/write-path/write-tx';

/** Stripe's refund webhooks through the refunds subgraph's route, signed by the fake Stripe server. */
let database: TestDatabase;
let rig: RefundsRig;
let fake: FakeStripeServer;
let endpoint: RunningServer;
let stripe: StripeGateway;
let executor: RefundExecutor;
let webhookUrl: string;

beforeAll(async () => {
  database = await createTestDatabase();
  rig = refundsRig(database.db);
  endpoint = await listen(
    router({ '/webhooks/stripe': webhookRoute(database.db, new StripeWebhookVerifier({ endpointSecret: FAKE_STRIPE_WEBHOOK_SECRET })) }),
    0,
  );
  webhookUrl = `${endpoint.url}/webhooks/stripe`;
  fake = await FakeStripeServer.start({ webhookUrl });
  stripe = new StripeGateway({ secretKey: FAKE_STRIPE_SECRET_KEY, apiBase: fake.url, maxNetworkRetries: 0 });
  executor = new RefundExecutor(database.db, new GatewayRouter([stripe]));
});

afterAll(async () => {
  await fake.close();
  await endpoint.close();
  await database.drop();
});

/** A Stripe-paid order with a received return: one refund, one PENDING Stripe tender. */
async function stripeRefund(amountMinor: number): Promise<{ refundId: string; tenderId: string; paymentIntent: string }> {
  const order = orderData({ lines: [{ sku: 'SKU-W', quantity: 1, unitPriceMinor: amountMinor }], payments: [{ method: 'CARD', capturedMinor: amountMinor }] });
  const paymentIntent = `pi_${order.orderId.slice(4).toLowerCase()}`;
  order.payments = order.payments.map((payment) => ({ ...payment, provider: 'stripe', providerReference: paymentIntent }));
  fake.addPayment({ id: paymentIntent, amountMinor, currency: 'usd' });
  await rig.recordOrder(order);
  const ret = await rig.authorize(order, [{ line: 0, quantity: 1 }]);
  await deliver(rig.returnRefunds, receivedEvent(ret));
  const refundId = (await refundsOf(database.db, { returnId: ret.returnId }))[0]?.id as string;
  return { refundId, tenderId: (await tendersOf(database.db, refundId))[0]?.id as string, paymentIntent };
}

/** Submits the refund's tender to the fake Stripe through the executor; returns Stripe's refund id. */
async function submitted(refundId: string): Promise<string> {
  await database.db.query(`UPDATE refunds.refund_tenders SET next_attempt_at = now() WHERE refund_id = $1`, [refundId]);
  await executor.runOnce();
  const [tender] = await tendersOf(database.db, refundId);
  expect(tender).toMatchObject({ status: 'SUBMITTED', provider_refund_id: expect.stringMatching(/^re_/) });
  return tender?.provider_refund_id as string;
}

const statusOf = async (refundId: string) =>
  (await database.db.query<{ status: string; revision: number }>(`SELECT status, revision FROM refunds.refunds WHERE id = $1`, [refundId])).rows[0];

/** POSTs a stored event body freshly signed, reading the endpoint's JSON answer. */
async function post(body: string): Promise<{ status: number; body: unknown }> {
  const signature = stripeSignatureHeader(body, FAKE_STRIPE_WEBHOOK_SECRET, Math.floor(Date.now() / 1000));
  const response = await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': signature }, body });
  return { status: response.status, body: await response.json() };
}

describe('refund webhooks', () => {
  it('moves the tender and the refund to SUCCEEDED on a valid refund.updated', async () => {
    const { refundId } = await stripeRefund(2400);
    const reId = await submitted(refundId);
    expect((await statusOf(refundId))?.status).toBe('SUBMITTED');
    const delivery = await fake.settle(reId, 'succeeded');
    expect(delivery.responseStatus).toBe(200);
    expect((await tendersOf(database.db, refundId))[0]).toMatchObject({ status: 'SUCCEEDED', provider_refund_id: reId });
    expect((await statusOf(refundId))?.status).toBe('SUCCEEDED');
    const { rows } = await database.db.query(`SELECT status FROM refunds.credit_memos WHERE refund_id = $1`, [refundId]);
    expect(rows).toEqual([{ status: 'QUEUED' }]);
  });

  it('answers 400 to tampered and stale webhooks and changes nothing; applies the genuine one once, however often replayed', async () => {
    const { refundId } = await stripeRefund(3300);
    const reId = await submitted(refundId);
    // Stripe settles while our endpoint is unreachable: the event is stored for the deliveries below.
    fake.webhookUrl = undefined;
    const { eventId, body } = await fake.settle(reId, 'succeeded');
    fake.webhookUrl = webhookUrl;
    const before = await statusOf(refundId);

    expect((await fake.sendTampered(eventId, 'payload')).responseStatus).toBe(400);
    expect((await fake.sendTampered(eventId, 'signature')).responseStatus).toBe(400);
    expect((await fake.sendStale(eventId)).responseStatus).toBe(400);
    expect(await statusOf(refundId)).toEqual(before);
    expect((await tendersOf(database.db, refundId))[0]?.status).toBe('SUBMITTED');
    const { rowCount: seen } = await database.db.query(`SELECT 1 FROM refunds.webhook_events WHERE event_id = $1`, [eventId]);
    expect(seen).toBe(0);

    expect((await fake.resend(eventId)).responseStatus).toBe(200);
    const after = await statusOf(refundId);
    expect(after?.status).toBe('SUCCEEDED');
    expect(await post(body)).toEqual({ status: 200, body: { status: 'duplicate' } });
    expect((await fake.resend(eventId)).responseStatus).toBe(200);
    expect(await statusOf(refundId)).toEqual(after);
    expect(await outboxEvents(database.db, RefundSucceeded.type, [refundId])).toHaveLength(1);
  });

  it('matches a webhook that outran our record of the provider refund through the key in its metadata', async () => {
    const { refundId, tenderId, paymentIntent } = await stripeRefund(1700);
    // The executor's call reached Stripe, but its answer was never recorded (a crash, say).
    const created = await stripe.createRefund({ refundId: tenderRefundKey(tenderId, 1), paymentReference: paymentIntent, amountMinor: 1700, currency: 'USD' });
    expect((await tendersOf(database.db, refundId))[0]).toMatchObject({ status: 'PENDING', provider_refund_id: null });

    expect((await fake.settle(created.providerRefundId, 'succeeded')).responseStatus).toBe(200);
    expect((await tendersOf(database.db, refundId))[0]).toMatchObject({ status: 'SUCCEEDED', provider_refund_id: created.providerRefundId });
    expect((await statusOf(refundId))?.status).toBe('SUCCEEDED');
    // The executor finds nothing left to pay: Stripe holds exactly one refund of the payment.
    await database.db.query(`UPDATE refunds.refund_tenders SET next_attempt_at = now() WHERE refund_id = $1`, [refundId]);
    await executor.runOnce();
    expect(fake.refundsCreatedFor(paymentIntent)).toBe(1);
  });

  it('fails the refund on a refund.failed webhook', async () => {
    const { refundId } = await stripeRefund(900);
    const reId = await submitted(refundId);
    expect((await fake.settle(reId, 'failed', 'expired_or_canceled_card')).responseStatus).toBe(200);
    expect((await tendersOf(database.db, refundId))[0]).toMatchObject({ status: 'FAILED', last_error: 'expired_or_canceled_card' });
    expect(await database.db.query(`SELECT status, failure_reason FROM refunds.refunds WHERE id = $1`, [refundId]).then((r) => r.rows[0])).toEqual({
      status: 'FAILED',
      failure_reason: 'expired_or_canceled_card',
    });
  });

  it('ignores a late webhook about an earlier, failed attempt once the refund was retried, and settles the new attempt', async () => {
    const { refundId } = await stripeRefund(1300);
    const firstAttempt = await submitted(refundId);
    // The first attempt fails; we learn it by polling, and its webhook is held up on the way.
    fake.webhookUrl = undefined;
    const late = await fake.settle(firstAttempt, 'failed', 'expired_or_canceled_card');
    fake.webhookUrl = webhookUrl;
    await database.db.query(`UPDATE refunds.refund_tenders SET next_attempt_at = now() WHERE refund_id = $1`, [refundId]);
    await executor.runOnce();
    expect((await statusOf(refundId))?.status).toBe('FAILED');
    await writeTransaction(database.db, 'refunds', (tx) => retryRefund(tx, principals.finance(), { refundId }));
    const secondAttempt = await submitted(refundId);
    expect(secondAttempt).not.toBe(firstAttempt);

    expect((await fake.resend(late.eventId)).responseStatus).toBe(200);
    expect((await tendersOf(database.db, refundId))[0]).toMatchObject({ status: 'SUBMITTED', generation: 2, provider_refund_id: secondAttempt });
    expect((await statusOf(refundId))?.status).toBe('SUBMITTED');

    expect((await fake.settle(secondAttempt, 'succeeded')).responseStatus).toBe(200);
    expect((await tendersOf(database.db, refundId))[0]).toMatchObject({ status: 'SUCCEEDED', provider_refund_id: secondAttempt });
    expect((await statusOf(refundId))?.status).toBe('SUCCEEDED');
  });
});

import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { listen, router, type RunningServer } from '../../platform/http/server';
import {
  FakeAdyenServer,
  FAKE_ADYEN_API_KEY,
  FAKE_ADYEN_HMAC_KEY,
  FAKE_ADYEN_MERCHANT_ACCOUNT,
} from '../../connectors/payments/adyen/testing/fake-adyen-server';
import { AdyenGateway } from '../../connectors/payments/adyen/adyen-gateway';
import { AdyenWebhookVerifier } from '../../connectors/payments/adyen/adyen-webhooks';
import { AdyenReportIndex } from '../../connectors/payments/adyen/adyen-report-index';
import { toAdyenValue } from '../../connectors/payments/adyen/adyen-amounts';
import { RefundFailed, RefundSucceeded } from '../../contracts/events/refunds';
import { NOTIFICATION_OVERDUE_MS, RefundExecutor, WEBHOOK_ONLY_RECHECK_MS } from './execution/executor';
import { GatewayRouter } from './execution/gateways';
import { webhookRoute } from './webhooks';
import { deliver, dueNow, orderData, outboxEvents, receivedEvent, refundsOf, refundsRig, tendersOf, type RefundsRig } from './testing/refunds-kit';

/**
 * Adyen through the refunds subgraph: the executor refunds on the fake Adyen, the fake's signed
 * notifications reach `/webhooks/adyen`, and the refund moves only by them — including the
 * faults: a notification before the API answer, duplicates, forgeries and reversals.
 */
let database: TestDatabase;
let rig: RefundsRig;
let fake: FakeAdyenServer;
let endpoint: RunningServer;
let executor: RefundExecutor;
let adyen: AdyenGateway;
let webhookUrl: string;
let reports: AdyenReportIndex;

beforeAll(async () => {
  database = await createTestDatabase();
  rig = refundsRig(database.db);
  reports = new AdyenReportIndex(database.db);
  const verifier = new AdyenWebhookVerifier({ hmacKey: FAKE_ADYEN_HMAC_KEY, onReportAvailable: (name, url) => reports.remember(name, url) });
  endpoint = await listen(router({ '/webhooks/adyen': webhookRoute(database.db, verifier) }), 0);
  webhookUrl = `${endpoint.url}/webhooks/adyen`;
  fake = await FakeAdyenServer.start({ webhookUrl });
  adyen = new AdyenGateway({
    apiKey: FAKE_ADYEN_API_KEY,
    merchantAccount: FAKE_ADYEN_MERCHANT_ACCOUNT,
    environment: 'TEST',
    apiBase: fake.url,
    reportBase: fake.url,
    timeoutMs: 1_500,
    settlementReportNames: (window) => reports.namesFor(window),
  });
  executor = new RefundExecutor(database.db, new GatewayRouter([adyen]));
});

afterAll(async () => {
  await fake.close();
  await endpoint.close();
  await database.drop();
});

/** An Adyen-paid order with a received return: one refund, one PENDING Adyen tender. */
async function adyenRefund(amountMinor: number): Promise<{ refundId: string; tenderId: string; psp: string }> {
  const order = orderData({ lines: [{ sku: 'SKU-A', quantity: 1, unitPriceMinor: amountMinor }], payments: [{ method: 'CARD', capturedMinor: amountMinor }] });
  const psp = fake.addPayment(null, toAdyenValue(amountMinor, 'USD'), 'USD');
  order.payments = order.payments.map((payment) => ({ ...payment, provider: 'adyen', providerReference: psp }));
  await rig.recordOrder(order);
  const ret = await rig.authorize(order, [{ line: 0, quantity: 1 }]);
  await deliver(rig.returnRefunds, receivedEvent(ret));
  const refundId = (await refundsOf(database.db, { returnId: ret.returnId }))[0]?.id as string;
  return { refundId, tenderId: (await tendersOf(database.db, refundId))[0]?.id as string, psp };
}

/** Runs the executor over the refund's due tenders. */
async function runExecutor(refundId: string): Promise<void> {
  await dueNow(database.db, [refundId]);
  await executor.runOnce();
}

/** Submits the refund's tender to the fake Adyen; returns the modification pspReference. */
async function submitted(refundId: string): Promise<string> {
  await runExecutor(refundId);
  const [tender] = await tendersOf(database.db, refundId);
  expect(tender).toMatchObject({ status: 'SUBMITTED', provider_refund_id: expect.stringMatching(/^[A-Z0-9]{16}$/) });
  return tender?.provider_refund_id as string;
}

const refundRow = async (refundId: string) =>
  (
    await database.db.query<{ status: string; revision: number; failure_reason: string | null }>(
      `SELECT status, revision, failure_reason FROM refunds.refunds WHERE id = $1`,
      [refundId],
    )
  ).rows[0];

const secondsUntilNextLook = async (refundId: string) =>
  Number(
    (
      await database.db.query<{ s: string }>(`SELECT extract(epoch FROM next_attempt_at - now())::text AS s FROM refunds.refund_tenders WHERE refund_id = $1`, [
        refundId,
      ])
    ).rows[0]?.s,
  );

describe('Adyen refunds through the refunds subgraph', () => {
  it('submits, does not poll Adyen, and settles on the REFUND notification with [accepted]', async () => {
    const { refundId, psp } = await adyenRefund(2_400);
    const modification = await submitted(refundId);
    expect(await secondsUntilNextLook(refundId)).toBeGreaterThan(WEBHOOK_ONLY_RECHECK_MS / 1000 - 60);
    const getRefund = jest.spyOn(adyen, 'getRefund');
    const requestsBefore = fake.requests.length;
    await runExecutor(refundId);
    expect(getRefund).not.toHaveBeenCalled();
    getRefund.mockRestore();
    expect(fake.requests.length).toBe(requestsBefore);
    expect((await tendersOf(database.db, refundId))[0]?.status).toBe('SUBMITTED');

    const delivery = await fake.settle(modification, true);
    expect(delivery).toMatchObject({ responseStatus: 200, responseBody: '[accepted]' });
    expect((await tendersOf(database.db, refundId))[0]).toMatchObject({ status: 'SUCCEEDED', provider_refund_id: modification });
    expect((await refundRow(refundId))?.status).toBe('SUCCEEDED');
    const { rows } = await database.db.query(`SELECT status FROM refunds.credit_memos WHERE refund_id = $1`, [refundId]);
    expect(rows).toEqual([{ status: 'QUEUED' }]);
    expect(fake.refundsCreatedFor(psp)).toBe(1);
  });

  it('shows a tender whose notification is overdue as an exception, still SUBMITTED', async () => {
    const { refundId } = await adyenRefund(800);
    await submitted(refundId);
    await database.db.query(`UPDATE refunds.refund_tenders SET updated_at = now() - make_interval(secs => $2) WHERE refund_id = $1`, [
      refundId,
      NOTIFICATION_OVERDUE_MS / 1000 + 3_600,
    ]);
    await runExecutor(refundId);
    expect((await tendersOf(database.db, refundId))[0]).toMatchObject({
      status: 'SUBMITTED',
      last_error: expect.stringContaining('no settlement notification from adyen'),
    });
    expect(await secondsUntilNextLook(refundId)).toBeGreaterThan(WEBHOOK_ONLY_RECHECK_MS / 1000 - 60);
  });

  it('settles a refund whose notification arrived before the API answer, and refunds once', async () => {
    const { refundId, psp } = await adyenRefund(1_700);
    fake.notifyBeforeAnswer();
    await runExecutor(refundId);
    const [tender] = await tendersOf(database.db, refundId);
    expect(tender).toMatchObject({ status: 'SUCCEEDED', provider_refund_id: expect.stringMatching(/^[A-Z0-9]{16}$/) });
    expect(fake.refund(tender?.provider_refund_id as string)?.state).toBe('refunded');
    expect((await refundRow(refundId))?.status).toBe('SUCCEEDED');
    await runExecutor(refundId);
    expect(fake.refundsCreatedFor(psp)).toBe(1);
    expect(await outboxEvents(database.db, RefundSucceeded.type, [refundId])).toHaveLength(1);
  });

  it('applies a duplicated notification once', async () => {
    const { refundId } = await adyenRefund(1_100);
    const modification = await submitted(refundId);
    const first = await fake.settle(modification, true);
    const after = await refundRow(refundId);
    const again = await fake.resend(...first.itemIds);
    expect(again).toMatchObject({ responseStatus: 200, responseBody: '[accepted]' });
    expect(await refundRow(refundId)).toEqual(after);
    expect(await outboxEvents(database.db, RefundSucceeded.type, [refundId])).toHaveLength(1);
    const { rowCount } = await database.db.query(`SELECT 1 FROM refunds.webhook_events WHERE provider = 'adyen' AND event_id = $1`, [
      `${modification}:REFUND:true`,
    ]);
    expect(rowCount).toBe(1);
  });

  it('answers 400 to a tampered notification and changes nothing', async () => {
    const { refundId } = await adyenRefund(1_300);
    const modification = await submitted(refundId);
    fake.webhookUrl = undefined;
    const held = await fake.settle(modification, true);
    fake.webhookUrl = webhookUrl;
    const before = await refundRow(refundId);
    for (const how of ['amount', 'success', 'signature'] as const) {
      expect((await fake.sendTampered(held.itemIds[0] as string, how)).responseStatus).toBe(400);
    }
    expect(await refundRow(refundId)).toEqual(before);
    expect((await tendersOf(database.db, refundId))[0]?.status).toBe('SUBMITTED');
    const { rowCount } = await database.db.query(`SELECT 1 FROM refunds.webhook_events WHERE provider = 'adyen' AND event_id LIKE $1`, [`${modification}:%`]);
    expect(rowCount).toBe(0);
    expect((await fake.resend(...held.itemIds)).responseStatus).toBe(200);
    expect((await refundRow(refundId))?.status).toBe('SUCCEEDED');
  });

  it('fails a SUCCEEDED refund on REFUND_FAILED (a reversal), emitting RefundFailed', async () => {
    const { refundId } = await adyenRefund(900);
    const modification = await submitted(refundId);
    await fake.settle(modification, true);
    expect((await refundRow(refundId))?.status).toBe('SUCCEEDED');
    expect((await fake.sendFailed(modification, 'Refund returned by the issuer')).responseStatus).toBe(200);
    expect((await tendersOf(database.db, refundId))[0]).toMatchObject({ status: 'FAILED', last_error: expect.stringContaining('reversed: REFUND_FAILED') });
    expect(await refundRow(refundId)).toMatchObject({ status: 'FAILED', failure_reason: expect.stringContaining('reversed') });
    const failed = await outboxEvents(database.db, RefundFailed.type, [refundId]);
    expect(failed).toHaveLength(1);
    expect(failed[0]?.data).toMatchObject({ status: 'FAILED', reason: expect.stringContaining('reversed') });
  });

  it('keeps a refund FAILED when the REFUND success arrives after the reversal', async () => {
    const { refundId } = await adyenRefund(700);
    const modification = await submitted(refundId);
    // Adyen paid the refund, but that notification is held up; the reversal arrives first.
    fake.webhookUrl = undefined;
    const success = await fake.settle(modification, true);
    fake.webhookUrl = webhookUrl;
    expect((await fake.sendReversed(modification)).responseStatus).toBe(200);
    expect((await refundRow(refundId))?.status).toBe('FAILED');
    const failedAt = await refundRow(refundId);

    expect((await fake.resend(...success.itemIds)).responseStatus).toBe(200);
    expect(await refundRow(refundId)).toEqual(failedAt);
    expect((await tendersOf(database.db, refundId))[0]?.status).toBe('FAILED');
    expect(await outboxEvents(database.db, RefundSucceeded.type, [refundId])).toHaveLength(0);
  });

  it('retries a refund whose answer was lost on the same key and gets the same Adyen refund', async () => {
    const { refundId, psp } = await adyenRefund(500);
    fake.injectFault('crash_after_create');
    await runExecutor(refundId);
    expect((await tendersOf(database.db, refundId))[0]).toMatchObject({ status: 'PENDING', attempts: 1 });
    fake.injectFault('http_500');
    await runExecutor(refundId);
    expect((await tendersOf(database.db, refundId))[0]).toMatchObject({ status: 'PENDING', attempts: 2 });
    const modification = await submitted(refundId);
    expect(fake.refundsCreatedFor(psp)).toBe(1);
    expect(fake.refund(modification)?.paymentPspReference).toBe(psp);
    expect(fake.requests.filter((r) => r.path.endsWith(`/payments/${psp}/refunds`)).map((r) => r.outcome)).toEqual([
      'crash_after_create',
      'http_500',
      'replayed',
    ]);
  });

  it('records an announced settlement report before acknowledging it, so reconciliation lists the refund from it', async () => {
    const before = new Date(Date.now() - 5_000);
    const { refundId, psp } = await adyenRefund(4_200);
    const modification = await submitted(refundId);
    expect((await fake.settle(modification, true)).responseStatus).toBe(200);
    const name = fake.publishSettlementReport(501);

    // The report name cannot be recorded (its table is away): no [accepted], so Adyen sends it again.
    await database.db.query(`ALTER TABLE adyen.reports RENAME TO reports_away`);
    let refused;
    try {
      refused = await fake.sendReportAvailable(name);
    } finally {
      await database.db.query(`ALTER TABLE adyen.reports_away RENAME TO reports`);
    }
    expect(refused.responseStatus).toBe(500);
    expect(refused.responseBody).not.toContain('[accepted]');
    expect(await reports.namesFor({ from: before, to: new Date() })).not.toContain(name);

    const resent = await fake.resend(...refused.itemIds);
    expect(resent).toMatchObject({ responseStatus: 200, responseBody: '[accepted]' });
    expect(await reports.namesFor({ from: before, to: new Date() })).toContain(name);
    // A second resend of the same announcement is accepted and changes nothing.
    expect((await fake.resend(...refused.itemIds)).responseStatus).toBe(200);

    const listed = await adyen.listRefunds({ from: before, to: new Date(Date.now() + 5_000) });
    expect(listed.filter((record) => record.providerRefundId === modification)).toEqual([
      expect.objectContaining({ paymentReference: psp, amountMinor: 4_200, currency: 'USD', status: 'SUCCEEDED', reference: expect.stringMatching(/^rft_/) }),
    ]);
  });
});

import { createServer, type Server } from 'node:http';
import { InvalidWebhookError, type RefundWebhookEvent } from '../port';
import { AdyenWebhookVerifier, ADYEN_ACKNOWLEDGEMENT } from './adyen-webhooks';
import { FakeAdyenServer, FAKE_ADYEN_HMAC_KEY, itemId } from './testing/fake-adyen-server';
import { adyenHmacSignature } from './testing/fake-adyen-signing';

/**
 * The verifier against notifications the fake Adyen signs with its own (independent) HMAC code,
 * captured by a small endpoint that runs the verifier and remembers its verdict.
 */
let fake: FakeAdyenServer;
let endpoint: Server;
let webhookUrl: string;
const verdicts: { events?: readonly RefundWebhookEvent[]; error?: Error }[] = [];
const reports: [string, string][] = [];
const verifier = new AdyenWebhookVerifier({ hmacKey: FAKE_ADYEN_HMAC_KEY, onReportAvailable: (name, url) => void reports.push([name, url]) });

beforeAll(async () => {
  endpoint = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      try {
        verdicts.push({ events: await verifier.verify(Buffer.concat(chunks).toString('utf8'), req.headers) });
        res.writeHead(200, { 'content-type': 'text/plain' }).end(verifier.acknowledgement);
      } catch (error) {
        verdicts.push({ error: error as Error });
        res.writeHead(error instanceof InvalidWebhookError ? 400 : 500).end();
      }
    });
  });
  await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
  const { port } = endpoint.address() as { port: number };
  webhookUrl = `http://127.0.0.1:${port}/webhooks/adyen`;
  fake = await FakeAdyenServer.start({ webhookUrl });
});

afterAll(async () => {
  await fake.close();
  await new Promise<void>((resolve) => endpoint.close(() => resolve()));
});

/** A refund created at the fake through its HTTP API, as the gateway would. */
async function refundAtFake(value: number, reference = 'rft_01TESTTENDER0000000000000:g1'): Promise<{ payment: string; modification: string }> {
  const payment = fake.addPayment(null, 10_000, 'EUR');
  const response = await fetch(`${fake.url}/v72/payments/${payment}/refunds`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': fake.apiKey },
    body: JSON.stringify({ merchantAccount: fake.merchantAccount, reference, amount: { value, currency: 'EUR' } }),
  });
  const body = (await response.json()) as { pspReference: string; status: string };
  expect(body.status).toBe('received');
  return { payment, modification: body.pspReference };
}

const last = () => verdicts.at(-1);

describe('AdyenWebhookVerifier', () => {
  it('turns a signed REFUND success into a SUCCEEDED event keyed by our merchant reference, and acknowledges with [accepted]', async () => {
    const { payment, modification } = await refundAtFake(1_250);
    const delivery = await fake.settle(modification, true);
    expect(delivery).toMatchObject({ responseStatus: 200, responseBody: ADYEN_ACKNOWLEDGEMENT });
    expect(last()?.events).toEqual([
      {
        eventId: `${modification}:REFUND:true`,
        createdAt: expect.any(Date),
        refundId: 'rft_01TESTTENDER0000000000000:g1',
        refund: { providerRefundId: modification, status: 'SUCCEEDED', amountMinor: 1_250, currency: 'EUR', failureReason: null },
      },
    ]);
    expect(JSON.parse(delivery.body).notificationItems[0].NotificationRequestItem.originalReference).toBe(payment);
  });

  it("turns a REFUND failure into FAILED with Adyen's reason, and REFUND_FAILED / REFUNDED_REVERSED into reversals", async () => {
    const refused = await refundAtFake(100);
    await fake.settle(refused.modification, false, 'Insufficient balance on payment');
    expect(last()?.events?.[0]).toMatchObject({
      eventId: `${refused.modification}:REFUND:false`,
      refund: { status: 'FAILED', failureReason: 'Insufficient balance on payment' },
    });
    expect(last()?.events?.[0]?.refund.reversed).toBeUndefined();

    const failedLater = await refundAtFake(200);
    await fake.settle(failedLater.modification, true);
    await fake.sendFailed(failedLater.modification, 'Refund returned by the issuer');
    expect(last()?.events?.[0]).toMatchObject({
      eventId: `${failedLater.modification}:REFUND_FAILED:true`,
      refund: { status: 'FAILED', reversed: true, failureReason: expect.stringContaining('reversed: REFUND_FAILED') },
    });

    const reversed = await refundAtFake(300);
    await fake.settle(reversed.modification, true);
    await fake.sendReversed(reversed.modification);
    expect(last()?.events?.[0]).toMatchObject({ eventId: `${reversed.modification}:REFUNDED_REVERSED:true`, refund: { status: 'FAILED', reversed: true } });
  });

  it('gives the same event id to a resent notification', async () => {
    const { modification } = await refundAtFake(400);
    const first = await fake.settle(modification, true);
    const firstId = last()?.events?.[0]?.eventId;
    await fake.resend(...first.itemIds);
    expect(last()?.events?.[0]?.eventId).toBe(firstId);
  });

  it('returns every refund item of a batch, and leaves out other event codes', async () => {
    const a = await refundAtFake(10);
    const b = await refundAtFake(20);
    fake.webhookUrl = undefined;
    const one = await fake.settle(a.modification, true);
    const two = await fake.settle(b.modification, false);
    const capture = await fake.sendCapture(a.payment, 10_000, 'EUR');
    fake.webhookUrl = webhookUrl;
    const delivery = await fake.sendBatch([...one.itemIds, ...capture.itemIds, ...two.itemIds]);
    expect(delivery.responseStatus).toBe(200);
    expect(last()?.events?.map((event) => [event.refund.providerRefundId, event.refund.status])).toEqual([
      [a.modification, 'SUCCEEDED'],
      [b.modification, 'FAILED'],
    ]);
    await fake.resend(...capture.itemIds);
    expect(last()?.events).toEqual([]);
  });

  it('rejects the whole batch when one item is tampered with or signed with another key', async () => {
    const { modification } = await refundAtFake(500);
    const settled = await fake.settle(modification, true);
    const id = itemId({ pspReference: modification, eventCode: 'REFUND', success: 'true' });
    expect(settled.itemIds).toEqual([id]);
    for (const how of ['amount', 'success', 'signature'] as const) {
      const delivery = await fake.sendTampered(id, how);
      expect(delivery.responseStatus).toBe(400);
      expect(last()?.error).toBeInstanceOf(InvalidWebhookError);
    }
    // A batch with one good item and one forged item: nothing of it is returned.
    const good = JSON.parse(settled.body).notificationItems[0];
    const forged = structuredClone(good);
    forged.NotificationRequestItem.amount.value = 999_999;
    await expect(verifier.verify(JSON.stringify({ live: 'false', notificationItems: [good, forged] }), {})).rejects.toThrow(/item 1 .*wrong HMAC/);
    await expect(new AdyenWebhookVerifier({ hmacKey: 'BB'.repeat(32) }).verify(settled.body, {})).rejects.toThrow(InvalidWebhookError);
  });

  it('rejects bodies that are not notifications and items without a signature', async () => {
    await expect(verifier.verify('not json', {})).rejects.toThrow(InvalidWebhookError);
    await expect(verifier.verify('{"live":"false","notificationItems":[]}', {})).rejects.toThrow('no notificationItems');
    const unsigned = {
      pspReference: 'ABCDEFGHJKLMNPQR',
      merchantAccountCode: 'X',
      merchantReference: 'r',
      amount: { value: 1, currency: 'EUR' },
      eventCode: 'REFUND',
      success: 'true',
      eventDate: '2026-12-01T10:00:00+01:00',
    };
    await expect(verifier.verify(JSON.stringify({ live: 'false', notificationItems: [{ NotificationRequestItem: unsigned }] }), {})).rejects.toThrow(
      'no hmacSignature',
    );
    const signed = { ...unsigned, additionalData: { hmacSignature: adyenHmacSignature({ ...unsigned, success: 'true' }, FAKE_ADYEN_HMAC_KEY) } };
    expect(
      (await verifier.verify(JSON.stringify({ live: 'false', notificationItems: [{ NotificationRequestItem: signed }] }), {}))[0]?.createdAt.toISOString(),
    ).toBe('2026-12-01T09:00:00.000Z');
  });

  it('hands REPORT_AVAILABLE file names to the app and returns no refund event for them', async () => {
    const item = {
      pspReference: 'settlement_detail_report_batch_42.csv',
      merchantAccountCode: 'ReturnsGraphECOM',
      merchantReference: '',
      amount: { value: 0, currency: 'EUR' },
      eventCode: 'REPORT_AVAILABLE',
      success: 'true' as const,
      eventDate: '2026-12-01T10:00:00+01:00',
      reason: 'https://ca-test.adyen.com/reports/download/MerchantAccount/ReturnsGraphECOM/settlement_detail_report_batch_42.csv',
    };
    const body = {
      live: 'false',
      notificationItems: [{ NotificationRequestItem: { ...item, additionalData: { hmacSignature: adyenHmacSignature(item, FAKE_ADYEN_HMAC_KEY) } } }],
    };
    expect(await verifier.verify(JSON.stringify(body), {})).toEqual([]);
    expect(reports.at(-1)).toEqual([item.pspReference, item.reason]);
  });

  it('awaits the recording of a report, rejects when it fails, and records nothing of a request with a bad item', async () => {
    const item = {
      pspReference: 'settlement_detail_report_batch_43.csv',
      merchantAccountCode: 'ReturnsGraphECOM',
      merchantReference: '',
      amount: { value: 0, currency: 'EUR' },
      eventCode: 'REPORT_AVAILABLE',
      success: 'true' as const,
      eventDate: '2026-12-01T10:00:00+01:00',
      reason: 'https://ca-test.adyen.com/reports/download/MerchantAccount/ReturnsGraphECOM/settlement_detail_report_batch_43.csv',
    };
    const signed = { NotificationRequestItem: { ...item, additionalData: { hmacSignature: adyenHmacSignature(item, FAKE_ADYEN_HMAC_KEY) } } };
    const recorded: string[] = [];
    const slow = new AdyenWebhookVerifier({
      hmacKey: FAKE_ADYEN_HMAC_KEY,
      onReportAvailable: async (name) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        recorded.push(name);
      },
    });
    expect(await slow.verify(JSON.stringify({ live: 'false', notificationItems: [signed] }), {})).toEqual([]);
    expect(recorded).toEqual([item.pspReference]);

    const down = new AdyenWebhookVerifier({ hmacKey: FAKE_ADYEN_HMAC_KEY, onReportAvailable: () => Promise.reject(new Error('database unavailable')) });
    await expect(down.verify(JSON.stringify({ live: 'false', notificationItems: [signed] }), {})).rejects.toThrow('database unavailable');

    const forged = structuredClone(signed);
    forged.NotificationRequestItem.pspReference = 'settlement_detail_report_batch_44.csv';
    await expect(slow.verify(JSON.stringify({ live: 'false', notificationItems: [signed, forged] }), {})).rejects.toThrow(InvalidWebhookError);
    expect(recorded).toEqual([item.pspReference]);
  });

  it('refuses a key that is not hex at construction', () => {
    expect(() => new AdyenWebhookVerifier({ hmacKey: 'not-a-hex-key' })).toThrow('hmacKey');
    expect(() => new AdyenWebhookVerifier({ hmacKey: '' })).toThrow('hmacKey');
    expect(new AdyenWebhookVerifier({ hmacKey: FAKE_ADYEN_HMAC_KEY })).toMatchObject({ provider: 'adyen', acknowledgement: '[accepted]' });
  });
});

/**
 * The notification side of the fake Adyen: standard notification items signed with the webhook's
 * HMAC key (`fake-adyen-signing.ts`), kept by id so Adyen's retries can be replayed unchanged, and
 * POSTed to a webhook URL one request per batch, as Adyen delivers them.
 */
import { request as httpRequest } from 'node:http';
import type { FakeAdyenRefund } from './fake-adyen-ledger';
import { adyenHmacSignature } from './fake-adyen-signing';

/** Webhook deliveries give up after this long, so a stuck receiver fails the test instead of hanging it. */
const WEBHOOK_DELIVERY_TIMEOUT_MS = 5_000;

/** Event codes the fake sends about refunds. */
export type FakeAdyenEventCode = 'REFUND' | 'REFUND_FAILED' | 'REFUNDED_REVERSED' | 'CAPTURE' | 'REPORT_AVAILABLE';

/** One notification item as Adyen sends it (`NotificationRequestItem`). */
export interface FakeNotificationItem {
  additionalData: Record<string, string>;
  amount: { value: number; currency: string };
  eventCode: FakeAdyenEventCode;
  eventDate: string;
  merchantAccountCode: string;
  merchantReference: string;
  originalReference?: string;
  pspReference: string;
  reason?: string;
  success: 'true' | 'false';
}

/** One request to the webhook URL, with what the endpoint answered. */
export interface FakeAdyenDelivery {
  /** Ids (`fake.items`) of the items sent. */
  itemIds: string[];
  body: string;
  /** HTTP status of the endpoint's answer; null when no webhook URL is set (the items are only stored). */
  responseStatus: number | null;
  responseBody: string | null;
}

/** Builds, signs, keeps and delivers notification items. */
export class FakeAdyenNotifier {
  /** Every notification item ever built, by id (`<pspReference>:<eventCode>:<success>`), for resends. */
  readonly items = new Map<string, FakeNotificationItem>();

  constructor(
    private readonly hmacKey: string,
    /** Where notifications are POSTed; unset: they are only stored. */
    public webhookUrl: string | undefined,
  ) {}

  /** Signs an item with the webhook's key and keeps it under its id. */
  keep(item: FakeNotificationItem): FakeNotificationItem {
    const signed = { ...item, additionalData: { ...item.additionalData, hmacSignature: adyenHmacSignature(item, this.hmacKey) } };
    this.items.set(itemId(signed), signed);
    return signed;
  }

  /** The signed item Adyen sends about a refund. */
  aboutRefund(refund: FakeAdyenRefund, eventCode: FakeAdyenEventCode, success: boolean, reason?: string): FakeNotificationItem {
    return this.keep({
      additionalData: {},
      amount: { value: refund.value, currency: refund.currency },
      eventCode,
      eventDate: adyenEventDate(),
      merchantAccountCode: refund.merchantAccount,
      merchantReference: refund.reference,
      originalReference: refund.paymentPspReference,
      pspReference: refund.pspReference,
      ...(reason !== undefined && { reason }),
      success: success ? 'true' : 'false',
    });
  }

  /** A kept item; throws for an id never sent. */
  stored(id: string): FakeNotificationItem {
    const item = this.items.get(id);
    if (!item) throw new Error(`fake Adyen sent no notification ${id}`);
    return item;
  }

  /** Sends items in one request. */
  send(items: readonly FakeNotificationItem[]): Promise<FakeAdyenDelivery> {
    return this.post(items, items.map(itemId));
  }

  /** Sends `items` in one request, reported under `itemIds` (a tampered copy keeps its original's id). */
  async post(items: readonly FakeNotificationItem[], itemIds: string[]): Promise<FakeAdyenDelivery> {
    const body = JSON.stringify({ live: 'false', notificationItems: items.map((item) => ({ NotificationRequestItem: item })) });
    if (this.webhookUrl === undefined) return { itemIds, body, responseStatus: null, responseBody: null };
    const { status, text } = await postOnce(this.webhookUrl, body);
    return { itemIds, body, responseStatus: status, responseBody: text };
  }
}

/** Adyen's event date: ISO 8601 with an offset and no milliseconds. */
export function adyenEventDate(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

/** The id under which the fake keeps an item: what Adyen's retries keep constant. */
export function itemId(item: Pick<FakeNotificationItem, 'pspReference' | 'eventCode' | 'success'>): string {
  return `${item.pspReference}:${item.eventCode}:${item.success}`;
}

/** One POST without keep-alive, so test runs leave no sockets open. */
function postOnce(url: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'Adyen HttpClient 1.0' },
        agent: false,
        timeout: WEBHOOK_DELIVERY_TIMEOUT_MS,
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (chunk: Buffer) => parts.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(parts).toString('utf8') }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`webhook endpoint ${url} did not answer in ${WEBHOOK_DELIVERY_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Verifies Adyen's standard notifications (JSON, `{ live, notificationItems: [{ NotificationRequestItem }] }`)
 * with the library's `hmacValidator` and turns the refund items into the port's events. Every item
 * of a request must carry a valid HMAC signature; one bad item rejects the whole request (nothing is
 * applied, Adyen retries it). Adyen delivers at least once: the caller deduplicates by `eventId`.
 */
import { hmacValidator } from '@adyen/api-library';
import type { NotificationRequestItem } from '@adyen/api-library/lib/src/typings/notification/notificationRequestItem';
import { InvalidWebhookError, type ProviderRefund, type RefundWebhookEvent, type RefundWebhookVerifier } from '../port';
import { fromAdyenValue } from './adyen-amounts';

/** Adyen's required answer to a notification request (`text/plain`); anything else makes it retry. */
export const ADYEN_ACKNOWLEDGEMENT = '[accepted]';

/** Refund event codes and what they mean for the refund. */
type RefundEventCode = 'REFUND' | 'REFUND_FAILED' | 'REFUNDED_REVERSED';
const REFUND_EVENT_CODES: ReadonlySet<string> = new Set<RefundEventCode>(['REFUND', 'REFUND_FAILED', 'REFUNDED_REVERSED']);

/** Options of `AdyenWebhookVerifier`. */
export interface AdyenWebhookVerifierOptions {
  /** The webhook's HMAC key, hex as the Customer Area shows it (64 hex digits). Required: no default. */
  hmacKey: string;
  /**
   * Called for each verified `REPORT_AVAILABLE` item (file name, download URL), so the app can keep
   * the settlement report names `AdyenGateway.listRefunds` reads (`AdyenReportIndex.remember`).
   * Awaited inside `verify`: a rejection rejects the request, which is then not acknowledged and
   * Adyen resends it — Adyen announces a report only once, so its name must be durable first.
   * Default: none (report announcements are verified and ignored).
   */
  onReportAvailable?(fileName: string, downloadUrl: string): void | Promise<void>;
}

/** The item's fields as Adyen sends them; everything is checked before use. */
type RawItem = Partial<Record<keyof NotificationRequestItem, unknown>> & { additionalData?: unknown; amount?: unknown };

/** Verifies Adyen notifications for one HMAC key. */
export class AdyenWebhookVerifier implements RefundWebhookVerifier {
  /** Matches `AdyenGateway.provider`. */
  readonly provider = 'adyen';
  /** Adyen expects `[accepted]` in the 2xx answer. */
  readonly acknowledgement = ADYEN_ACKNOWLEDGEMENT;
  private readonly hmacKey: string;
  private readonly onReportAvailable: AdyenWebhookVerifierOptions['onReportAvailable'] | null;
  private readonly validator = new hmacValidator();

  constructor(options: AdyenWebhookVerifierOptions) {
    if (typeof options.hmacKey !== 'string' || !/^([0-9a-fA-F]{2}){16,}$/.test(options.hmacKey)) {
      throw new TypeError('AdyenWebhookVerifier needs hmacKey, the webhook HMAC key in hex (as the Customer Area shows it), but got a value of another shape');
    }
    this.hmacKey = options.hmacKey;
    this.onReportAvailable = options.onReportAvailable ?? null;
  }

  /**
   * The refund events of one notification request: `REFUND` (success → SUCCEEDED, failure → FAILED
   * with Adyen's reason), `REFUND_FAILED` and `REFUNDED_REVERSED` (FAILED, `reversed`: they follow a
   * success). `REPORT_AVAILABLE` items go to `onReportAvailable`, awaited, after every item is
   * verified and parsed. Other event codes are verified and left out. Rejects with
   * `InvalidWebhookError` for a body that is not a notification and for any item whose signature is
   * missing or wrong, and with `onReportAvailable`'s error when a report could not be recorded.
   * Always asynchronous, so a failure is always a rejection, whatever the items.
   */
  async verify(rawBody: string, _headers: Record<string, string | string[] | undefined>): Promise<readonly RefundWebhookEvent[]> {
    const items = notificationItems(rawBody);
    for (const [index, item] of items.entries()) this.checkSignature(item, index);
    const events: RefundWebhookEvent[] = [];
    const reports: RawItem[] = [];
    for (const item of items) {
      const code = String(item.eventCode);
      if (code === 'REPORT_AVAILABLE') reports.push(item);
      if (REFUND_EVENT_CODES.has(code)) events.push(refundEvent(item, code as RefundEventCode));
    }
    // Recorded only once the whole request is known to be valid, so a rejected request records nothing.
    if (this.onReportAvailable) for (const item of reports) await this.onReportAvailable(String(item.pspReference), String(item.reason ?? ''));
    return events;
  }

  private checkSignature(item: RawItem, index: number): void {
    const signature = (item.additionalData as Record<string, unknown> | undefined)?.hmacSignature;
    if (typeof signature !== 'string' || signature === '') throw new InvalidWebhookError(`Adyen notification item ${index} has no hmacSignature`);
    let valid: boolean;
    try {
      valid = this.validator.validateHMAC(item as unknown as NotificationRequestItem, this.hmacKey);
    } catch (error) {
      throw new InvalidWebhookError(`Adyen notification item ${index} could not be verified: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!valid)
      throw new InvalidWebhookError(`Adyen notification item ${index} (${String(item.eventCode)} ${String(item.pspReference)}) has a wrong HMAC signature`);
  }
}

/** The items of a standard notification body, shape-checked. */
function notificationItems(rawBody: string): RawItem[] {
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    throw new InvalidWebhookError('Adyen notification body is not JSON');
  }
  const list = (body as { notificationItems?: unknown } | null)?.notificationItems;
  if (!Array.isArray(list) || list.length === 0) throw new InvalidWebhookError('Adyen notification has no notificationItems');
  return list.map((entry: unknown, index) => {
    const item = (entry as { NotificationRequestItem?: unknown } | null)?.NotificationRequestItem;
    if (!item || typeof item !== 'object') throw new InvalidWebhookError(`Adyen notification item ${index} is not a NotificationRequestItem`);
    const fields = item as RawItem;
    const amount = fields.amount as { value?: unknown; currency?: unknown } | undefined;
    if (
      typeof fields.pspReference !== 'string' ||
      typeof fields.eventCode !== 'string' ||
      !amount ||
      typeof amount.currency !== 'string' ||
      typeof amount.value !== 'number'
    ) {
      throw new InvalidWebhookError(`Adyen notification item ${index} lacks pspReference, eventCode or amount`);
    }
    return fields;
  });
}

/** A verified refund item as the port's event. */
function refundEvent(item: RawItem, code: RefundEventCode): RefundWebhookEvent {
  const amount = item.amount as { value: number; currency: string };
  const currency = amount.currency.toUpperCase();
  const success = item.success === true || item.success === 'true';
  const reason = typeof item.reason === 'string' && item.reason !== '' ? item.reason : null;
  let refund: ProviderRefund;
  let amountMinor: number;
  try {
    amountMinor = fromAdyenValue(amount.value, currency);
  } catch (error) {
    throw new InvalidWebhookError(`Adyen notification ${String(item.pspReference)}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const base = { providerRefundId: String(item.pspReference), amountMinor, currency };
  if (code === 'REFUND') {
    refund = success ? { ...base, status: 'SUCCEEDED', failureReason: null } : { ...base, status: 'FAILED', failureReason: reason ?? 'refused by Adyen' };
  } else {
    refund = { ...base, status: 'FAILED', failureReason: `reversed: ${code}${reason ? ` (${reason})` : ''}`, reversed: true };
  }
  const eventDate = typeof item.eventDate === 'string' ? new Date(item.eventDate) : new Date(NaN);
  return {
    // Unique per notification and the same on every retry of it (Adyen resends items unchanged).
    eventId: `${String(item.pspReference)}:${code}:${success}`,
    createdAt: Number.isNaN(eventDate.getTime()) ? new Date() : eventDate,
    refund,
    refundId: typeof item.merchantReference === 'string' && item.merchantReference !== '' ? item.merchantReference : null,
  };
}

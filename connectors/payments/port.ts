/**
 * The payment connector port: how the refunds subgraph pays money back through a payment
 * provider. Implementations: the simulated gateway (`simulated/`, the embedded default and fault
 * tests), Stripe (`stripe/`, on the official SDK), Adyen (`adyen/`, on `@adyen/api-library`). All
 * pass `payment-gateway.contract.ts`.
 *
 * The one rule that prevents double refunds: the provider idempotency key is fixed per refund
 * (`providerIdempotencyKey(refundId)`), so any retry after any crash asks the provider for the SAME
 * refund, never a second one.
 */

/** What we ask a provider to refund. */
export interface RefundRequest {
  /** Our refund id (`rfd_...`). */
  refundId: string;
  /** The provider's reference of the captured payment (charge, payment intent, PSP reference). */
  paymentReference: string;
  amountMinor: number;
  /** ISO 4217. */
  currency: string;
  /** Why, for the provider's dashboard, e.g. `requested_by_customer`. */
  reason?: string;
}

/** A provider's view of a refund, normalised. */
export type ProviderRefundStatus = 'PENDING' | 'SUCCEEDED' | 'FAILED' | 'REQUIRES_ACTION' | 'CANCELED';

/** A refund as the provider reports it. */
export interface ProviderRefund {
  /** The provider's id of the refund (e.g. Stripe `re_...`). */
  providerRefundId: string;
  status: ProviderRefundStatus;
  amountMinor: number;
  currency: string;
  /** Provider's reason for FAILED / REQUIRES_ACTION, if any. */
  failureReason?: string | null;
  /**
   * True when the provider paid the refund and then took it back (Adyen `REFUNDED_REVERSED`, or
   * `REFUND_FAILED` after a `REFUND` success): status is FAILED and, unlike any other answer, it
   * moves a SUCCEEDED tender to FAILED — the customer did not get the money after all.
   */
  reversed?: boolean;
}

/** One refund in the provider's own records (its refund list or settlement report), for reconciliation. */
export interface ProviderRefundRecord {
  providerRefundId: string;
  /** The captured payment it refunds (charge / payment intent / PSP reference). */
  paymentReference: string | null;
  amountMinor: number;
  currency: string;
  status: ProviderRefundStatus;
  /** Our key (`tenderRefundKey`, sent as metadata or merchant reference); null for a refund we did not initiate. */
  reference: string | null;
  /** When the provider created (or settled) it. */
  createdAt: Date;
}

/** A window of provider or ERP records, [from, to). */
export interface RecordWindow {
  from: Date;
  to: Date;
}

/** A provider's answer that we may not retry with the same request (as opposed to a timeout or 5xx). */
export class PaymentDeclinedError extends Error {
  constructor(
    message: string,
    /** Provider's machine-readable code, e.g. `charge_already_refunded`, `amount_too_large`. */
    readonly code: string,
  ) {
    super(message);
    this.name = 'PaymentDeclinedError';
  }
}

/** The provider could not be reached or did not answer in time: the outcome is UNKNOWN; retry with the same key. */
export class PaymentUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PaymentUnavailableError';
  }
}

/** A refund status change the provider pushed (webhook), normalised and verified. */
export interface RefundWebhookEvent {
  /** The provider's event id: webhooks are deduplicated by it. */
  eventId: string;
  /** When the provider created the event. */
  createdAt: Date;
  refund: ProviderRefund;
  /** Our refund id, when the provider echoes it back (metadata). */
  refundId: string | null;
}

/** One payment provider. */
export interface PaymentGateway {
  /** e.g. `simulated`, `stripe`. Matches `Payment.provider` of the orders it can refund. */
  readonly provider: string;
  /**
   * Creates (or, for a key seen before, returns) the refund. Idempotent by `request.refundId`.
   * Throws `PaymentDeclinedError` for a definitive refusal (over-refund, unknown payment) and
   * `PaymentUnavailableError` when the outcome is unknown.
   */
  createRefund(request: RefundRequest): Promise<ProviderRefund>;
  /** The refund's current state at the provider. */
  getRefund(providerRefundId: string): Promise<ProviderRefund>;
  /**
   * The provider's own record of refunds created in `window` (Stripe: the refund list; Adyen: the
   * settlement details report; simulated: its ledger), for three-way reconciliation. Throws
   * `PaymentUnavailableError` when the records cannot be read now.
   */
  listRefunds?(window: RecordWindow): Promise<ProviderRefundRecord[]>;
  /**
   * True when the provider cannot be asked for a refund's outcome (Adyen: no API reads a
   * modification; `REFUND` notifications report it): `getRefund` tells nothing new, so the executor
   * does not poll such refunds every second but looks at them rarely and reports as an exception
   * one whose notification is overdue. Default false: the provider can be polled.
   */
  readonly settlesByWebhookOnly?: boolean;
}

/** Verifies and parses a provider's webhook request. */
export interface RefundWebhookVerifier {
  readonly provider: string;
  /**
   * Returns the verified refund events of one request — one for Stripe, up to a batch of
   * notification items for Adyen; none for a correctly signed request of other types (ignored, not
   * an error). Throws `InvalidWebhookError` for a bad signature or a stale timestamp (older than
   * the tolerance): then nothing of the request is applied.
   *
   * May answer with a Promise: a verifier may record something of its own durably before the
   * request is acknowledged (Adyen: the report names of `REPORT_AVAILABLE` notifications, which
   * Adyen announces once). The route awaits it and acknowledges only after it resolves; any other
   * rejection than `InvalidWebhookError` answers 5xx, so the provider sends the request again.
   */
  verify(rawBody: string, headers: Record<string, string | string[] | undefined>): readonly RefundWebhookEvent[] | Promise<readonly RefundWebhookEvent[]>;
  /**
   * The body the provider expects in the 2xx answer, if it expects one (Adyen: `[accepted]`, as
   * `text/plain`); absent: a JSON status.
   */
  readonly acknowledgement?: string;
}

/** A webhook that failed verification; answered with HTTP 400 and never applied. */
export class InvalidWebhookError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidWebhookError';
  }
}

/** The idempotency key we send a provider for a refund: fixed per refund, never per attempt. */
export function providerIdempotencyKey(refundId: string): string {
  return `returns-graph:refund:${refundId}`;
}

/** Our refund key back from an idempotency key a provider stored (`providerIdempotencyKey`'s inverse); null for a key we did not make. */
export function refundIdOfIdempotencyKey(key: string): string | null {
  const prefix = providerIdempotencyKey('');
  return key.startsWith(prefix) ? key.slice(prefix.length) : null;
}

/**
 * The built-in store-credit ledger (`store-credit/`) is a payment provider of our own: tenders paid
 * back as store credit or to a gift card go through it under this provider name.
 */
export const STORE_CREDIT_PROVIDER = 'store_credit';

/**
 * The `paymentReference` of a store-credit refund: which account it credits. The ledger reads it
 * back (`store-credit/store-credit-references.ts`); any other reference is a redemption it recorded.
 */
export const storeCreditReference = {
  /** The customer's store-credit account. */
  customer: (customerId: string): string => `customer:${customerId}`,
  /** An existing gift card (the one an order was paid with). */
  giftCard: (number: string): string => `gift_card:${number}`,
  /** A gift card the ledger issues for the refund, owned by the customer. */
  newGiftCard: (customerId: string): string => `new_gift_card:${customerId}`,
} as const;

/** One movement on a customer's store-credit account. */
export interface StoreCreditEntry {
  /** The ledger's entry id (`sce_…`, the provider refund id of a refund). */
  entryId: string;
  /** REFUND: credit given to the account; REDEMPTION: credit spent from it. */
  kind: 'REFUND' | 'REDEMPTION';
  /** Minor units moved, always positive: `kind` says which way. */
  amountMinor: number;
  currency: string;
  createdAt: Date;
  /** Pass as `after` to continue after this entry. */
  cursor: string;
}

/** A page of entries, newest first. */
export interface StoreCreditEntryPage {
  entries: StoreCreditEntry[];
  hasNextPage: boolean;
}

/** Reads customers' store-credit accounts (balances and entries) for the graph. */
export interface StoreCreditAccounts {
  /** The customer's balance per currency it holds credit in (empty when it has no account). */
  balances(customerId: string): Promise<{ currency: string; balanceMinor: number }[]>;
  /**
   * The customer's entries, newest first, `first` at a time after `after` (an entry's cursor).
   * Throws a RangeError for a negative `first` or a cursor it did not issue.
   */
  entries(customerId: string, page: { first: number; after?: string | null }): Promise<StoreCreditEntryPage>;
}

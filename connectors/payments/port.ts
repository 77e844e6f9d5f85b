/**
 * The payment connector port: how the refunds subgraph pays money back through a payment
 * provider. Implementations: the simulated gateway (`simulated/`, the embedded default and fault
 * tests), Stripe (`stripe/`, on the official SDK); Adyen would implement the same port (not built
 * yet). All pass `payment-gateway.contract.ts`.
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
}

/** Verifies and parses a provider's webhook request. */
export interface RefundWebhookVerifier {
  readonly provider: string;
  /**
   * Returns the verified refund event; null for a correctly signed event of another type (ignored,
   * not an error). Throws `InvalidWebhookError` for a bad signature or a stale timestamp (older than
   * the tolerance).
   */
  verify(rawBody: string, headers: Record<string, string | string[] | undefined>): RefundWebhookEvent | null;
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

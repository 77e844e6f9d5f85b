/**
 * Stripe's objects and errors in the port's terms: one table for refund statuses, one function
 * for errors. The gateway and the webhook verifier both read refunds through here, so a status
 * means the same thing whether we asked for it or Stripe pushed it.
 */
import Stripe from 'stripe';
import { PaymentDeclinedError, PaymentUnavailableError, type ProviderRefund, type ProviderRefundRecord, type ProviderRefundStatus } from '../port';
import { fromStripeAmount } from './stripe-amounts';

/** Stripe refund statuses (https://docs.stripe.com/api/refunds/object#refund_object-status) → ours. */
const STATUS: Readonly<Record<string, ProviderRefundStatus>> = {
  pending: 'PENDING',
  requires_action: 'REQUIRES_ACTION',
  succeeded: 'SUCCEEDED',
  failed: 'FAILED',
  canceled: 'CANCELED',
};

/**
 * Our status for a Stripe refund status. A missing or unknown status (a newer API version) reads
 * as PENDING: not final, so the refund is looked at again rather than reported settled or failed.
 */
export function refundStatusFromStripe(status: string | null): ProviderRefundStatus {
  return (status !== null ? STATUS[status] : undefined) ?? 'PENDING';
}

/** A Stripe Refund object as the port's `ProviderRefund` (currency upper-cased, amount in our minor units). */
export function providerRefundFromStripe(refund: Stripe.Refund): ProviderRefund {
  const status = refundStatusFromStripe(refund.status);
  const currency = refund.currency.toUpperCase();
  return {
    providerRefundId: refund.id,
    status,
    amountMinor: fromStripeAmount(refund.amount, currency),
    currency,
    failureReason: status === 'FAILED' || status === 'CANCELED' ? (refund.failure_reason ?? 'unknown') : null,
  };
}

/** A refund of Stripe's list as the port's record; `reference` is our key from the metadata (null for a refund made elsewhere, e.g. in the Dashboard). */
export function refundRecordFromStripe(refund: Stripe.Refund): ProviderRefundRecord {
  const currency = refund.currency.toUpperCase();
  const payment = refund.payment_intent ?? refund.charge;
  return {
    providerRefundId: refund.id,
    paymentReference: typeof payment === 'string' ? payment : (payment?.id ?? null),
    amountMinor: fromStripeAmount(refund.amount, currency),
    currency,
    status: refundStatusFromStripe(refund.status),
    reference: refundIdFromStripe(refund),
    createdAt: new Date(refund.created * 1000),
  };
}

/** Our refund id as echoed back in the refund's metadata, or null when absent. */
export function refundIdFromStripe(refund: Stripe.Refund): string | null {
  return refund.metadata?.refund_id ?? null;
}

/**
 * The port's error for whatever a Stripe call threw.
 *
 * - 400/402/404 answers (invalid request, card error, idempotency-key reuse) are definitive:
 *   `PaymentDeclinedError` with Stripe's code (`idempotency_error` for key reuse).
 * - No answer, a timeout, 409 (a request with the same key still running), 429 and 5xx leave the
 *   outcome unknown: `PaymentUnavailableError`, retried later with the same key.
 * - 401/403 mean our key is wrong or lacks permission: nothing happened at Stripe, and the refund
 *   must not be marked failed because of our configuration, so these are `PaymentUnavailableError`
 *   too (retryable once the key is fixed).
 *
 * Errors that are not Stripe's (programming errors) are returned unchanged.
 */
export function paymentErrorFromStripe(error: unknown): Error {
  if (!(error instanceof Stripe.errors.StripeError)) return error instanceof Error ? error : new Error(String(error));
  const status = error.statusCode;
  const definitive =
    error instanceof Stripe.errors.StripeIdempotencyError ||
    error instanceof Stripe.errors.StripeCardError ||
    (error instanceof Stripe.errors.StripeInvalidRequestError && (status === 400 || status === 404));
  if (definitive) {
    const code = error instanceof Stripe.errors.StripeIdempotencyError ? 'idempotency_error' : (error.code ?? error.rawType ?? 'invalid_request');
    return new PaymentDeclinedError(`Stripe refused the refund: ${error.message}`, code);
  }
  const what = status === undefined ? 'no answer' : `HTTP ${status}`;
  return new PaymentUnavailableError(`Stripe did not settle the request (${what}, ${error.type}): ${error.message}`);
}

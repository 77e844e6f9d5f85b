/**
 * Verifies Stripe's refund webhooks with the SDK's own signature check (`Stripe-Signature:
 * t=...,v1=...`, HMAC-SHA256 of `${t}.${rawBody}` with the endpoint secret) and turns them into the
 * port's `RefundWebhookEvent`. Deduplication is the caller's: it records `eventId` in its inbox in
 * the same transaction as the effect, since Stripe delivers at least once.
 */
import Stripe from 'stripe';
import { InvalidWebhookError, type RefundWebhookEvent, type RefundWebhookVerifier } from '../port';
import { providerRefundFromStripe, refundIdFromStripe } from './stripe-mapping';

/**
 * Oldest signature timestamp we accept, in seconds: Stripe's recommended 5 minutes. Long enough
 * for clock skew and Stripe's delivery latency, short enough that a captured request cannot be
 * replayed later.
 */
export const STRIPE_WEBHOOK_TOLERANCE_SECONDS = 300;

/**
 * Event types whose `data.object` is a Refund. `charge.refund.updated` is what Stripe sends for
 * refunds on some payment methods instead of (or besides) `refund.updated`.
 */
export const STRIPE_REFUND_EVENT_TYPES: ReadonlySet<string> = new Set(['refund.created', 'refund.updated', 'refund.failed', 'charge.refund.updated']);

/** Options of `StripeWebhookVerifier`. */
export interface StripeWebhookVerifierOptions {
  /** The endpoint's signing secret (`whsec_...`) from the Stripe dashboard. Required: no default. */
  endpointSecret: string;
  /** Signature age limit in seconds. Default `STRIPE_WEBHOOK_TOLERANCE_SECONDS`. */
  toleranceSeconds?: number;
}

/** The single `Stripe-Signature` header value, or an `InvalidWebhookError`. */
function signatureHeader(headers: Record<string, string | string[] | undefined>): string {
  const value = headers['stripe-signature'] ?? Object.entries(headers).find(([name]) => name.toLowerCase() === 'stripe-signature')?.[1];
  if (typeof value !== 'string' || value === '') throw new InvalidWebhookError('missing or repeated Stripe-Signature header');
  return value;
}

/** Verifies Stripe webhooks for one endpoint secret. */
export class StripeWebhookVerifier implements RefundWebhookVerifier {
  /** Matches `StripeGateway.provider`. */
  readonly provider = 'stripe';
  private readonly endpointSecret: string;
  private readonly toleranceSeconds: number;

  constructor(options: StripeWebhookVerifierOptions) {
    if (typeof options.endpointSecret !== 'string' || !options.endpointSecret.startsWith('whsec_')) {
      throw new TypeError('StripeWebhookVerifier needs endpointSecret, the endpoint signing secret "whsec_...", but got a value of another shape');
    }
    const tolerance = options.toleranceSeconds ?? STRIPE_WEBHOOK_TOLERANCE_SECONDS;
    // 0 would switch the SDK's timestamp check off entirely: refuse it rather than accept replays.
    if (!Number.isSafeInteger(tolerance) || tolerance <= 0) {
      throw new TypeError(`StripeWebhookVerifier toleranceSeconds must be a positive integer, but got: ${String(options.toleranceSeconds)}`);
    }
    this.endpointSecret = options.endpointSecret;
    this.toleranceSeconds = tolerance;
  }

  /**
   * The verified refund event (Stripe sends one per request); none for a correctly signed event of
   * another type (acknowledge and ignore it). Throws `InvalidWebhookError` for a missing, wrong or stale signature and for a
   * refund event whose body is not a refund.
   */
  verify(rawBody: string, headers: Record<string, string | string[] | undefined>): readonly RefundWebhookEvent[] {
    let event: Stripe.Event;
    try {
      event = Stripe.webhooks.constructEvent(rawBody, signatureHeader(headers), this.endpointSecret, this.toleranceSeconds);
    } catch (error) {
      if (error instanceof InvalidWebhookError) throw error;
      throw new InvalidWebhookError(`Stripe webhook rejected: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!STRIPE_REFUND_EVENT_TYPES.has(event.type)) return [];
    const refund = event.data.object as Partial<Stripe.Refund>;
    if (refund.object !== 'refund' || typeof refund.id !== 'string' || typeof refund.amount !== 'number' || typeof refund.currency !== 'string') {
      throw new InvalidWebhookError(`Stripe event ${event.id} (${event.type}) does not carry a refund`);
    }
    return [
      {
        eventId: event.id,
        createdAt: new Date(event.created * 1000),
        refund: providerRefundFromStripe(refund as Stripe.Refund),
        refundId: refundIdFromStripe(refund as Stripe.Refund),
      },
    ];
  }
}

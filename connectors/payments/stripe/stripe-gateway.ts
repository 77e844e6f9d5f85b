/**
 * The Stripe adapter of the payment port, on the official `stripe` SDK. The one rule: every
 * `refunds.create` carries `providerIdempotencyKey(refundId)`, fixed per refund, so a retry after a
 * timeout, a 5xx or a crash on either side gets Stripe's stored answer for the SAME refund.
 */
import Stripe from 'stripe';
import {
  PaymentDeclinedError,
  PaymentUnavailableError,
  providerIdempotencyKey,
  type PaymentGateway,
  type ProviderRefund,
  type ProviderRefundRecord,
  type RecordWindow,
  type RefundRequest,
} from '../port';
import { toStripeAmount } from './stripe-amounts';
import { paymentErrorFromStripe, providerRefundFromStripe, refundRecordFromStripe } from './stripe-mapping';

/**
 * How long one HTTP attempt may take. The SDK's default is 80 s; a refund call normally answers in
 * well under 2 s, and when Stripe is slow we would rather free the worker and retry later with the
 * same key (always safe) than hold it for over a minute.
 */
export const DEFAULT_STRIPE_TIMEOUT_MS = 15_000;

/**
 * Automatic retries the SDK makes on connection errors, 409 and 5xx. Safe because every attempt
 * carries our fixed idempotency key; two retries ride out a brief blip (the SDK backs off 0.5–5 s)
 * without making the caller wait long. Our own retry loop handles longer outages.
 */
export const DEFAULT_STRIPE_MAX_NETWORK_RETRIES = 2;

/** Refunds per page of `GET /v1/refunds`: Stripe's maximum, so a day of refunds takes few requests. */
const LIST_PAGE_SIZE = 100;

/** Stripe's own reasons; any other reason text travels in metadata instead of failing the request. */
const STRIPE_REFUND_REASONS: ReadonlySet<string> = new Set(['duplicate', 'fraudulent', 'requested_by_customer']);

/** Options of `StripeGateway`. */
export interface StripeGatewayOptions {
  /** A Stripe secret or restricted key (`sk_...` / `rk_...`). Required: no default. */
  secretKey: string;
  /**
   * Where the API lives, e.g. `http://127.0.0.1:12111` for the fake server in tests.
   * Default: Stripe's production API (`https://api.stripe.com`).
   */
  apiBase?: string;
  /** Per-attempt timeout in ms. Default `DEFAULT_STRIPE_TIMEOUT_MS`. */
  timeoutMs?: number;
  /** SDK retries per call (same idempotency key). Default `DEFAULT_STRIPE_MAX_NETWORK_RETRIES`. */
  maxNetworkRetries?: number;
}

/** A key's shape for an error message, never the key itself (a publishable `pk_` key is the usual mistake). */
function describeKey(value: unknown): string {
  if (typeof value !== 'string') return typeof value;
  if (value === '') return 'an empty string';
  return `a string starting "${value.slice(0, 3)}"`;
}

/** Validates options once, at construction, stating the contract and the value received. */
function validated(options: StripeGatewayOptions): Required<Omit<StripeGatewayOptions, 'apiBase'>> & { apiBase: URL | null } {
  if (typeof options.secretKey !== 'string' || !/^(sk|rk)_[A-Za-z0-9_]+$/.test(options.secretKey)) {
    throw new TypeError(`StripeGateway needs secretKey, a Stripe secret key "sk_..." or "rk_...", but got: ${describeKey(options.secretKey)}`);
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_STRIPE_TIMEOUT_MS;
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0) {
    throw new TypeError(`StripeGateway timeoutMs must be a positive integer of milliseconds, but got: ${String(options.timeoutMs)}`);
  }
  const maxNetworkRetries = options.maxNetworkRetries ?? DEFAULT_STRIPE_MAX_NETWORK_RETRIES;
  if (!Number.isSafeInteger(maxNetworkRetries) || maxNetworkRetries < 0) {
    throw new TypeError(`StripeGateway maxNetworkRetries must be an integer >= 0, but got: ${String(options.maxNetworkRetries)}`);
  }
  const apiBase = options.apiBase === undefined ? null : validatedApiBase(options.apiBase);
  return { secretKey: options.secretKey, timeoutMs, maxNetworkRetries, apiBase };
}

/** `apiBase` as a URL: an http(s) origin (stripe-mock, a proxy), nothing after the host. */
function validatedApiBase(value: string): URL {
  let apiBase: URL | null;
  try {
    apiBase = new URL(value);
  } catch {
    apiBase = null;
  }
  if (!apiBase || (apiBase.protocol !== 'http:' && apiBase.protocol !== 'https:') || apiBase.pathname !== '/') {
    throw new TypeError(`StripeGateway apiBase must be an http(s) origin such as "http://127.0.0.1:12111", but got: ${value}`);
  }
  return apiBase;
}

/** The payment reference as Stripe's refund parameter: `pi_...` → payment_intent, `ch_`/`py_` → charge. */
function paymentParam(reference: string): Pick<Stripe.RefundCreateParams, 'payment_intent' | 'charge'> {
  if (reference.startsWith('pi_')) return { payment_intent: reference };
  if (reference.startsWith('ch_') || reference.startsWith('py_')) return { charge: reference };
  throw new PaymentDeclinedError(`"${reference}" is not a Stripe payment intent (pi_...) or charge (ch_...)`, 'invalid_payment_reference');
}

/** Refunds through Stripe. One instance per secret key; safe to share across requests. */
export class StripeGateway implements PaymentGateway {
  /** Matches `Payment.provider` of orders paid through Stripe. */
  readonly provider = 'stripe';
  private readonly stripe: Stripe;

  constructor(options: StripeGatewayOptions) {
    const config = validated(options);
    this.stripe = new Stripe(config.secretKey, {
      timeout: config.timeoutMs,
      maxNetworkRetries: config.maxNetworkRetries,
      telemetry: false,
      ...(config.apiBase && {
        host: config.apiBase.hostname,
        port: config.apiBase.port || (config.apiBase.protocol === 'http:' ? 80 : 443),
        protocol: config.apiBase.protocol === 'http:' ? 'http' : 'https',
      }),
    });
  }

  /** Creates the refund at Stripe, or returns the one already created for `request.refundId`. */
  async createRefund(request: RefundRequest): Promise<ProviderRefund> {
    const params: Stripe.RefundCreateParams = {
      ...paymentParam(request.paymentReference),
      amount: toStripeAmount(request.amountMinor, request.currency),
      metadata: { refund_id: request.refundId },
    };
    if (request.reason !== undefined) {
      if (STRIPE_REFUND_REASONS.has(request.reason)) params.reason = request.reason as Stripe.RefundCreateParams.Reason;
      else params.metadata = { refund_id: request.refundId, reason: request.reason };
    }
    try {
      const refund = await this.stripe.refunds.create(params, { idempotencyKey: providerIdempotencyKey(request.refundId) });
      return providerRefundFromStripe(refund);
    } catch (error) {
      throw paymentErrorFromStripe(error);
    }
  }

  /** The refund as Stripe reports it now; an unknown id is `PaymentDeclinedError('resource_missing')`. */
  async getRefund(providerRefundId: string): Promise<ProviderRefund> {
    try {
      return providerRefundFromStripe(await this.stripe.refunds.retrieve(providerRefundId));
    } catch (error) {
      throw paymentErrorFromStripe(error);
    }
  }

  /**
   * Stripe's refunds created in [from, to) (`GET /v1/refunds` with `created[gte|lt]`, 100 a page,
   * followed through `starting_after` by the SDK's auto-pagination). Stripe's `created` has whole
   * seconds, so the request covers the seconds around the window and the records are cut to it
   * here. Any failure to read is `PaymentUnavailableError`: the records are unknown, not empty.
   */
  async listRefunds(window: RecordWindow): Promise<ProviderRefundRecord[]> {
    const from = window.from.getTime();
    const to = window.to.getTime();
    if (!Number.isFinite(from) || !Number.isFinite(to) || from >= to) {
      throw new TypeError(`listRefunds needs a window of two dates, from before to, but got: ${String(window.from)} .. ${String(window.to)}`);
    }
    const records: ProviderRefundRecord[] = [];
    try {
      const pages = this.stripe.refunds.list({ created: { gte: Math.floor(from / 1000), lt: Math.ceil(to / 1000) }, limit: LIST_PAGE_SIZE });
      for await (const refund of pages) {
        const record = refundRecordFromStripe(refund);
        const at = record.createdAt.getTime();
        if (at >= from && at < to) records.push(record);
      }
    } catch (error) {
      const mapped = paymentErrorFromStripe(error);
      if (mapped instanceof PaymentDeclinedError || mapped instanceof PaymentUnavailableError) {
        throw Object.assign(new PaymentUnavailableError(`Stripe's refund list could not be read: ${mapped.message}`), { cause: error });
      }
      throw mapped;
    }
    return records;
  }
}

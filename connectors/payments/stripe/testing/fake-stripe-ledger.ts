/**
 * The state behind the fake Stripe server: captured payments, refunds and Stripe's refund rules
 * (no over-refund, unknown payments are `resource_missing`). Answers are Stripe-shaped JSON with an
 * HTTP status, so the server only has to add HTTP and idempotency around them.
 */
import { randomBytes } from 'node:crypto';

/** A Stripe-shaped JSON answer. */
export interface FakeAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** Form parameters as the SDK sends them, one level of `name[key]` nesting (metadata). */
export type FormParams = Record<string, string | Record<string, string>>;

/** A refund as the fake stores and returns it: the fields of Stripe's Refund object we use. */
export interface FakeRefund {
  id: string;
  object: 'refund';
  amount: number;
  balance_transaction: string | null;
  charge: string | null;
  created: number;
  currency: string;
  failure_reason?: string;
  metadata: Record<string, string>;
  payment_intent: string | null;
  reason: string | null;
  receipt_number: null;
  source_transfer_reversal: null;
  status: 'pending' | 'requires_action' | 'succeeded' | 'failed' | 'canceled';
  transfer_reversal: null;
}

/** A captured payment the fake can refund. */
export interface FakePayment {
  /** `pi_...` (payment intent) or `ch_...` (charge). */
  id: string;
  /** Captured amount in Stripe's `amount` units (minor units, but ISK × 100: see stripe-amounts.ts). */
  amountMinor: number;
  /** ISO 4217, any case. */
  currency: string;
}

/** Statuses that still hold the payment's money: a failed or canceled refund gives it back. */
const HOLDING: ReadonlySet<FakeRefund['status']> = new Set(['pending', 'requires_action', 'succeeded']);
/** Parameters `POST /v1/refunds` accepts here; Stripe also refuses unknown ones. */
const KNOWN_PARAMS: ReadonlySet<string> = new Set(['amount', 'payment_intent', 'charge', 'reason', 'metadata']);
/** Query parameters `GET /v1/refunds` accepts here. */
const LIST_PARAMS = /^(limit|starting_after|ending_before|created|created\[(gt|gte|lt|lte)\])$/;
const REASONS: ReadonlySet<string> = new Set(['duplicate', 'fraudulent', 'requested_by_customer']);

/** Stripe's error body (`{ error: { type, code, message, param } }`). */
export function stripeError(status: number, type: string, code: string | undefined, message: string, param?: string): FakeAnswer {
  return {
    status,
    body: {
      error: { type, ...(code && { code, doc_url: `https://stripe.com/docs/error-codes/${code.replace(/_/g, '-')}` }), message, ...(param && { param }) },
    },
  };
}

/** A Stripe-style id: prefix + 24 random base62-ish characters. */
export function fakeStripeId(prefix: string): string {
  return `${prefix}_${randomBytes(18).toString('base64url').replace(/[-_]/g, 'x').slice(0, 24)}`;
}

/** Payments, refunds and the rules between them. */
export class FakeStripeLedger {
  private readonly payments = new Map<string, FakePayment>();
  private readonly refunds = new Map<string, FakeRefund>();
  private readonly createdPerPayment = new Map<string, number>();

  constructor(private readonly initialStatus: 'pending' | 'succeeded') {}

  /** Registers a captured payment (replacing one with the same id). */
  addPayment(payment: FakePayment): void {
    if (!/^(pi|ch)_\w+$/.test(payment.id)) throw new TypeError(`fake Stripe payments are "pi_..." or "ch_...", got "${payment.id}"`);
    if (!Number.isSafeInteger(payment.amountMinor) || payment.amountMinor <= 0)
      throw new TypeError(`amountMinor must be a positive integer, got ${payment.amountMinor}`);
    this.payments.set(payment.id, { ...payment, currency: payment.currency.toLowerCase() });
  }

  /** How many refunds were really created against a payment (replays do not count). */
  refundsCreatedFor(paymentId: string): number {
    return this.createdPerPayment.get(paymentId) ?? 0;
  }

  /** A stored refund, or undefined. */
  refund(id: string): FakeRefund | undefined {
    return this.refunds.get(id);
  }

  /**
   * Checks the shape of `POST /v1/refunds` parameters. A failure here happens before Stripe starts
   * executing, so (as at Stripe) it is not saved under the idempotency key.
   */
  validateCreate(params: FormParams): FakeAnswer | null {
    for (const name of Object.keys(params)) {
      if (!KNOWN_PARAMS.has(name)) return stripeError(400, 'invalid_request_error', 'parameter_unknown', `Received unknown parameter: ${name}`, name);
    }
    const { amount, payment_intent: pi, charge, reason, metadata } = params;
    if (pi === undefined && charge === undefined)
      return stripeError(
        400,
        'invalid_request_error',
        'parameter_missing',
        'One of the following params should be provided for this request: payment_intent or charge.',
      );
    if (pi !== undefined && charge !== undefined)
      return stripeError(400, 'invalid_request_error', 'parameter_invalid', 'You cannot pass both payment_intent and charge.');
    if (typeof (pi ?? charge) !== 'string')
      return stripeError(400, 'invalid_request_error', 'parameter_invalid', 'Invalid payment reference.', pi ? 'payment_intent' : 'charge');
    if (amount !== undefined && (typeof amount !== 'string' || !/^[1-9]\d{0,15}$/.test(amount))) {
      return stripeError(400, 'invalid_request_error', 'parameter_invalid_integer', 'Invalid positive integer', 'amount');
    }
    if (reason !== undefined && (typeof reason !== 'string' || !REASONS.has(reason))) {
      return stripeError(
        400,
        'invalid_request_error',
        'parameter_invalid',
        'Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer',
        'reason',
      );
    }
    if (metadata !== undefined && typeof metadata === 'string')
      return stripeError(400, 'invalid_request_error', 'parameter_invalid', 'Invalid hash', 'metadata');
    return null;
  }

  /** Executes a validated `POST /v1/refunds`. */
  createRefund(params: FormParams): FakeAnswer {
    const param = params.payment_intent !== undefined ? 'payment_intent' : 'charge';
    const reference = params[param] as string;
    const payment = this.payments.get(reference);
    if (!payment) return stripeError(404, 'invalid_request_error', 'resource_missing', `No such ${param}: '${reference}'`, param);
    const held = [...this.refunds.values()]
      .filter((r) => (r.payment_intent ?? r.charge) === payment.id && HOLDING.has(r.status))
      .reduce((sum, r) => sum + r.amount, 0);
    const remaining = payment.amountMinor - held;
    const amount = params.amount === undefined ? remaining : Number(params.amount);
    if (remaining === 0) return stripeError(400, 'invalid_request_error', 'charge_already_refunded', `Charge ${payment.id} has already been refunded.`);
    if (amount > remaining) {
      return stripeError(
        400,
        'invalid_request_error',
        'amount_too_large',
        `Refund amount (${amount}) is greater than unrefunded amount on charge (${remaining})`,
        'amount',
      );
    }
    const refund: FakeRefund = {
      id: fakeStripeId('re'),
      object: 'refund',
      amount,
      balance_transaction: fakeStripeId('txn'),
      charge: payment.id.startsWith('ch_') ? payment.id : null,
      created: Math.floor(Date.now() / 1000),
      currency: payment.currency,
      metadata: typeof params.metadata === 'object' ? { ...params.metadata } : {},
      payment_intent: payment.id.startsWith('pi_') ? payment.id : null,
      reason: typeof params.reason === 'string' ? params.reason : null,
      receipt_number: null,
      source_transfer_reversal: null,
      status: this.initialStatus,
      transfer_reversal: null,
    };
    this.refunds.set(refund.id, refund);
    this.createdPerPayment.set(payment.id, this.refundsCreatedFor(payment.id) + 1);
    return { status: 200, body: { ...refund } };
  }

  /** `GET /v1/refunds/:id`. */
  retrieveRefund(id: string): FakeAnswer {
    const refund = this.refunds.get(id);
    return refund ? { status: 200, body: { ...refund } } : stripeError(404, 'invalid_request_error', 'resource_missing', `No such refund: '${id}'`, 'id');
  }

  /**
   * `GET /v1/refunds`: Stripe's list shape (`{ object: 'list', data, has_more, url }`), newest
   * first, `limit` 1–100 (default 10), `created` as an integer or `created[gt|gte|lt|lte]`, and
   * `starting_after` / `ending_before` (an id of the list) for cursor paging.
   */
  listRefunds(query: URLSearchParams): FakeAnswer {
    for (const name of query.keys()) {
      if (!LIST_PARAMS.test(name)) return stripeError(400, 'invalid_request_error', 'parameter_unknown', `Received unknown parameter: ${name}`, name);
    }
    const limitText = query.get('limit') ?? '10';
    const limit = /^\d{1,3}$/.test(limitText) ? Number(limitText) : NaN;
    if (!(limit >= 1 && limit <= 100)) {
      return stripeError(
        400,
        'invalid_request_error',
        'parameter_invalid_integer',
        'This value must be greater than or equal to 1 and less than or equal to 100.',
        'limit',
      );
    }
    const bounds: [string, (created: number, bound: number) => boolean][] = [
      ['created', (c, b) => c === b],
      ['created[gt]', (c, b) => c > b],
      ['created[gte]', (c, b) => c >= b],
      ['created[lt]', (c, b) => c < b],
      ['created[lte]', (c, b) => c <= b],
    ];
    const filters: ((created: number) => boolean)[] = [];
    for (const [name, test] of bounds) {
      const value = query.get(name);
      if (value === null) continue;
      if (!/^\d{1,12}$/.test(value)) return stripeError(400, 'invalid_request_error', 'parameter_invalid_integer', 'Invalid integer: ' + value, name);
      filters.push((created) => test(created, Number(value)));
    }
    // Newest first; among equal seconds the later-created first, as Stripe orders them.
    let list = [...this.refunds.values()].reverse().sort((a, b) => b.created - a.created);
    list = list.filter((refund) => filters.every((passes) => passes(refund.created)));
    const startingAfter = query.get('starting_after');
    const endingBefore = query.get('ending_before');
    for (const [name, id] of [
      ['starting_after', startingAfter],
      ['ending_before', endingBefore],
    ] as const) {
      if (id !== null && !this.refunds.has(id)) return stripeError(400, 'invalid_request_error', 'resource_missing', `No such refund: '${id}'`, name);
    }
    let page: FakeRefund[];
    let hasMore: boolean;
    if (startingAfter !== null) {
      const rest = list.slice(list.findIndex((refund) => refund.id === startingAfter) + 1);
      page = rest.slice(0, limit);
      hasMore = rest.length > limit;
    } else if (endingBefore !== null) {
      const before = list.slice(
        0,
        Math.max(
          0,
          list.findIndex((refund) => refund.id === endingBefore),
        ),
      );
      page = before.slice(Math.max(0, before.length - limit));
      hasMore = before.length > limit;
    } else {
      page = list.slice(0, limit);
      hasMore = list.length > limit;
    }
    return { status: 200, body: { object: 'list', data: page.map((refund) => ({ ...refund })), has_more: hasMore, url: '/v1/refunds' } };
  }

  /** Moves a pending refund to its final state; returns the previous status and the updated refund. */
  settle(id: string, status: 'succeeded' | 'failed', failureReason = 'declined'): { previous: FakeRefund['status']; refund: FakeRefund } {
    const refund = this.refunds.get(id);
    if (!refund) throw new Error(`fake Stripe has no refund ${id}`);
    if (refund.status !== 'pending' && refund.status !== 'requires_action') throw new Error(`refund ${id} is already ${refund.status}`);
    const previous = refund.status;
    refund.status = status;
    if (status === 'failed') refund.failure_reason = failureReason;
    return { previous, refund: { ...refund } };
  }
}

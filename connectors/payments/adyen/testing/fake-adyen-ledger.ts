/**
 * The state behind the fake Adyen: captured payments (by pspReference), refund modifications and
 * Adyen's refund rules (the refunds of a payment never exceed its capture; an unknown payment is
 * refused). Answers are Adyen-shaped JSON with an HTTP status, so the server only adds HTTP,
 * authentication and idempotency around them. Amounts are Adyen's `value`s (Adyen's decimals).
 */
import { randomInt } from 'node:crypto';

/** An Adyen-shaped JSON answer. */
export interface FakeAdyenAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** A captured payment the fake can refund. */
export interface FakeAdyenPayment {
  pspReference: string;
  /** Captured amount in Adyen's `value` units. */
  value: number;
  currency: string;
}

/** Where a refund modification stands at the fake Adyen. */
export type FakeAdyenRefundState = 'received' | 'refunded' | 'failed' | 'reversed';

/** A refund modification. */
export interface FakeAdyenRefund {
  /** The modification's pspReference (what `createRefund` returns as the provider refund id). */
  pspReference: string;
  paymentPspReference: string;
  merchantAccount: string;
  /** Our key, sent as `reference`. */
  reference: string;
  value: number;
  currency: string;
  state: FakeAdyenRefundState;
  createdAt: Date;
}

/** States that hold the payment's money: a failed or reversed refund gives it back. */
const HOLDING: ReadonlySet<FakeAdyenRefundState> = new Set(['received', 'refunded']);

/** Adyen's error body: `{ status, errorCode, message, errorType, pspReference }`. */
export function adyenError(status: number, errorCode: string, message: string, errorType: string): FakeAdyenAnswer {
  return { status, body: { status, errorCode, message, errorType, pspReference: fakePspReference() } };
}

/** A 16-character pspReference like Adyen's. */
export function fakePspReference(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
  return Array.from({ length: 16 }, () => alphabet[randomInt(alphabet.length)]).join('');
}

/** Payments, refunds and the rules between them. */
export class FakeAdyenLedger {
  private readonly payments = new Map<string, FakeAdyenPayment>();
  private readonly refunds = new Map<string, FakeAdyenRefund>();

  /** Registers a captured payment (replacing one with the same pspReference). */
  addPayment(payment: FakeAdyenPayment): void {
    if (!/^[A-Z0-9]{16}$/.test(payment.pspReference)) throw new TypeError(`fake Adyen pspReferences are 16 characters A-Z0-9, got "${payment.pspReference}"`);
    if (!Number.isSafeInteger(payment.value) || payment.value <= 0) throw new TypeError(`value must be a positive integer, got ${payment.value}`);
    this.payments.set(payment.pspReference, { ...payment, currency: payment.currency.toUpperCase() });
  }

  /** A stored refund modification, or undefined. */
  refund(pspReference: string): FakeAdyenRefund | undefined {
    return this.refunds.get(pspReference);
  }

  /** Every refund modification, in creation order. */
  allRefunds(): FakeAdyenRefund[] {
    return [...this.refunds.values()];
  }

  /** How many refunds were really created against a payment (replays do not count). */
  refundsCreatedFor(paymentPspReference: string): number {
    return this.allRefunds().filter((refund) => refund.paymentPspReference === paymentPspReference).length;
  }

  /**
   * Checks the shape of a refund request: Adyen's 422 validation errors. A failure here is not
   * executed and (like Adyen) not stored under the Idempotency-Key.
   */
  validate(body: unknown, merchantAccount: string): FakeAdyenAnswer | null {
    if (!body || typeof body !== 'object') return adyenError(400, '702', 'Empty or invalid request body', 'validation');
    const request = body as Record<string, unknown>;
    if (typeof request.merchantAccount !== 'string' || request.merchantAccount === '') {
      return adyenError(422, '905_1', 'Required field merchantAccount is missing', 'validation');
    }
    if (request.merchantAccount !== merchantAccount) return adyenError(403, '901', 'Invalid Merchant Account', 'security');
    const amount = request.amount as { value?: unknown; currency?: unknown } | undefined;
    if (!amount || !Number.isSafeInteger(amount.value) || (amount.value as number) <= 0) {
      return adyenError(422, '137', 'Invalid amount specified', 'validation');
    }
    if (typeof amount.currency !== 'string' || !/^[A-Z]{3}$/.test(amount.currency)) return adyenError(422, '136', 'Invalid currency specified', 'validation');
    if (request.reference !== undefined && (typeof request.reference !== 'string' || request.reference.length > 80)) {
      return adyenError(422, '702', 'Field reference is too long (80 characters at most)', 'validation');
    }
    return null;
  }

  /** Executes a validated `POST /payments/{psp}/refunds`. */
  createRefund(
    paymentPspReference: string,
    request: { merchantAccount: string; reference?: string; amount: { value: number; currency: string } },
  ): FakeAdyenAnswer {
    const payment = this.payments.get(paymentPspReference);
    if (!payment) return adyenError(422, '167', 'Original pspReference required for this operation', 'validation');
    if (payment.currency !== request.amount.currency)
      return adyenError(422, '136', `Currency ${request.amount.currency} does not match the payment's ${payment.currency}`, 'validation');
    const held = this.allRefunds()
      .filter((refund) => refund.paymentPspReference === paymentPspReference && HOLDING.has(refund.state))
      .reduce((sum, refund) => sum + refund.value, 0);
    if (request.amount.value > payment.value - held) {
      return adyenError(422, '137', `Invalid amount specified: ${request.amount.value} exceeds the ${payment.value - held} left to refund`, 'validation');
    }
    const refund: FakeAdyenRefund = {
      pspReference: fakePspReference(),
      paymentPspReference,
      merchantAccount: request.merchantAccount,
      reference: request.reference ?? '',
      value: request.amount.value,
      currency: request.amount.currency,
      state: 'received',
      createdAt: new Date(),
    };
    this.refunds.set(refund.pspReference, refund);
    return {
      status: 201,
      body: {
        merchantAccount: refund.merchantAccount,
        paymentPspReference,
        pspReference: refund.pspReference,
        reference: refund.reference,
        status: 'received',
        amount: { value: refund.value, currency: refund.currency },
      },
    };
  }

  /** Moves a refund to `state`; returns it. */
  move(pspReference: string, state: FakeAdyenRefundState): FakeAdyenRefund {
    const refund = this.refunds.get(pspReference);
    if (!refund) throw new Error(`fake Adyen has no refund ${pspReference}`);
    refund.state = state;
    return { ...refund };
  }
}

/**
 * Our minor units versus Stripe's `amount` integers. They agree for almost every currency; the
 * exceptions come from Stripe's "special cases" (https://docs.stripe.com/currencies#special-cases)
 * and are kept here, in one place, so a refund amount is never silently off by a factor of 100.
 */
import { PaymentDeclinedError } from '../port';

/**
 * Currencies whose Stripe `amount` is our minor units times a factor. ISK is zero-decimal for us
 * (ISO 4217) but stays two-decimal in the Stripe API for backwards compatibility: 1 króna is `100`.
 */
const STRIPE_AMOUNT_FACTOR: Readonly<Record<string, number>> = { ISK: 100 };

/**
 * Three-decimal currencies: Stripe accepts them only with the last digit 0 (its card partners
 * settle in hundredths), so an amount like 5.125 KWD cannot be refunded exactly.
 */
const THREE_DECIMAL_CURRENCIES: ReadonlySet<string> = new Set(['BHD', 'JOD', 'KWD', 'OMR', 'TND']);

/**
 * `amountMinor` (our minor units) as Stripe's `amount`. Throws `PaymentDeclinedError`
 * (`amount_not_representable`) for an amount Stripe would refuse for that currency, before any
 * request is sent: we never round a refund.
 */
export function toStripeAmount(amountMinor: number, currency: string): number {
  const code = currency.toUpperCase();
  if (THREE_DECIMAL_CURRENCIES.has(code) && amountMinor % 10 !== 0) {
    throw new PaymentDeclinedError(`Stripe refunds ${code} only in multiples of 10 minor units, got ${amountMinor}`, 'amount_not_representable');
  }
  return amountMinor * (STRIPE_AMOUNT_FACTOR[code] ?? 1);
}

/**
 * Stripe's `amount` in `currency` (any case) as our minor units. Throws a `RangeError` for an
 * amount with no exact equivalent (a fractional-króna ISK refund from before 2023) rather than
 * rounding it.
 */
export function fromStripeAmount(amount: number, currency: string): number {
  const factor = STRIPE_AMOUNT_FACTOR[currency.toUpperCase()] ?? 1;
  if (amount % factor !== 0) throw new RangeError(`Stripe amount ${amount} ${currency} has no exact minor-unit equivalent`);
  return amount / factor;
}

/**
 * Our minor units versus Adyen's `amount.value`. Adyen counts minor units by its own table of
 * decimals (https://docs.adyen.com/development-resources/currency-codes), which agrees with ISO
 * 4217 — and so with `platform/money.ts` — except for a few currencies, kept here in one place so a
 * refund is never silently off by a factor of 100.
 */
import { currencyExponent } from '../../../platform/money';
import { PaymentDeclinedError } from '../port';

/**
 * Adyen's decimals where they differ from ISO 4217: CLP and ISK are two-decimal at Adyen (1 ISK is
 * `100`), CVE and IDR zero-decimal (an amount in those must be whole units, or Adyen cannot take it).
 */
const ADYEN_DECIMALS: Readonly<Record<string, number>> = { CLP: 2, ISK: 2, CVE: 0, IDR: 0 };

/** Digits after the decimal point Adyen uses for `currency` (upper case). */
export function adyenDecimals(currency: string): number {
  return ADYEN_DECIMALS[currency] ?? currencyExponent(currency);
}

/** Adyen's `value` = our minor units × 10^shift (shift may be negative). */
function shift(currency: string): number {
  return adyenDecimals(currency) - currencyExponent(currency);
}

/**
 * `amountMinor` (our minor units) as Adyen's `amount.value`. Throws `PaymentDeclinedError`
 * (`amount_not_representable`) for an amount Adyen cannot express in that currency, before any
 * request is sent: we never round a refund.
 */
export function toAdyenValue(amountMinor: number, currency: string): number {
  const code = currency.toUpperCase();
  const by = shift(code);
  if (by >= 0) return amountMinor * 10 ** by;
  const divisor = 10 ** -by;
  if (amountMinor % divisor !== 0) {
    throw new PaymentDeclinedError(`Adyen takes ${code} only in whole units, got ${amountMinor} minor units`, 'amount_not_representable');
  }
  return amountMinor / divisor;
}

/**
 * Adyen's `value` in `currency` as our minor units. Throws a `RangeError` for a value with no exact
 * equivalent (e.g. 1 ISK cent) rather than rounding it.
 */
export function fromAdyenValue(value: number, currency: string): number {
  const code = currency.toUpperCase();
  if (!Number.isSafeInteger(value)) throw new RangeError(`Adyen amount ${value} ${code} is not an integer of minor units`);
  const by = shift(code);
  if (by <= 0) return value * 10 ** -by;
  const divisor = 10 ** by;
  if (value % divisor !== 0) throw new RangeError(`Adyen amount ${value} ${code} has no exact minor-unit equivalent`);
  return value / divisor;
}

/**
 * A decimal amount from an Adyen report (`"12.50"`, `"1000"`) as Adyen minor units, by string
 * arithmetic: the report's decimals follow Adyen's table, never a float multiplication.
 */
export function adyenDecimalToValue(amount: string, currency: string): number {
  const code = currency.toUpperCase();
  const decimals = adyenDecimals(code);
  const match = /^(\d{1,15})(?:\.(\d+))?$/.exec(amount.trim());
  if (!match) throw new RangeError(`"${amount}" is not a decimal amount`);
  const [, whole = '0', fraction = ''] = match;
  const significant = fraction.replace(/0+$/, '');
  if (significant.length > decimals) throw new RangeError(`"${amount}" has more than ${decimals} decimals for ${code} at Adyen`);
  const value = Number(whole) * 10 ** decimals + Number(significant.padEnd(decimals, '0') || '0');
  if (!Number.isSafeInteger(value)) throw new RangeError(`"${amount}" is too large`);
  return value;
}

/**
 * Money is integer minor units plus an ISO 4217 code, everywhere. The API shows amounts as
 * decimal strings; this module is the only place that converts between the two.
 */

/** Minor-unit exponent per currency, where it is not the usual 2 (ISO 4217). */
const EXPONENT_EXCEPTIONS: Record<string, number> = {
  JPY: 0,
  KRW: 0,
  CLP: 0,
  ISK: 0,
  VND: 0,
  HUF: 2,
  BHD: 3,
  KWD: 3,
  OMR: 3,
  JOD: 3,
  TND: 3,
};

/** The currencies the graph accepts; the `CurrencyCode` enum of every subgraph lists exactly these. */
export const CURRENCY_CODES = [
  'AUD',
  'BHD',
  'BRL',
  'CAD',
  'CHF',
  'CLP',
  'CNY',
  'CZK',
  'DKK',
  'EUR',
  'GBP',
  'HKD',
  'HUF',
  'ISK',
  'JOD',
  'JPY',
  'KRW',
  'KWD',
  'MXN',
  'NOK',
  'NZD',
  'OMR',
  'PLN',
  'SEK',
  'SGD',
  'TND',
  'USD',
  'VND',
  'ZAR',
] as const;

export type CurrencyCode = (typeof CURRENCY_CODES)[number];

/** Digits after the decimal point for `currency`. */
export function currencyExponent(currency: string): number {
  return EXPONENT_EXCEPTIONS[currency] ?? 2;
}

/** True when `code` is one of the accepted currencies. */
export function isCurrencyCode(code: string): code is CurrencyCode {
  return (CURRENCY_CODES as readonly string[]).includes(code);
}

/** `1250, 'USD'` → `"12.50"`; `-5, 'USD'` → `"-0.05"`; `1250, 'JPY'` → `"1250"`. */
export function formatMinor(amountMinor: number, currency: string): string {
  if (!Number.isSafeInteger(amountMinor)) throw new RangeError(`money must be an integer of minor units, got ${amountMinor}`);
  const exponent = currencyExponent(currency);
  const sign = amountMinor < 0 ? '-' : '';
  const digits = Math.abs(amountMinor)
    .toString()
    .padStart(exponent + 1, '0');
  if (exponent === 0) return sign + digits;
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

/**
 * `"12.5", 'USD'` → `1250`. Refuses more decimals than the currency has, exponents, spaces and
 * anything that is not a plain decimal, rather than rounding: a refund amount is never guessed.
 */
export function parseDecimal(amount: string, currency: string): number {
  const exponent = currencyExponent(currency);
  const match = /^(-?)(\d{1,15})(?:\.(\d+))?$/.exec(amount);
  if (!match) throw new RangeError(`"${amount}" is not a decimal amount`);
  const [, sign, whole, fraction = ''] = match;
  if (fraction.length > exponent) throw new RangeError(`"${amount}" has more than ${exponent} decimals for ${currency}`);
  const minor = Number(whole) * 10 ** exponent + Number(fraction.padEnd(exponent, '0') || '0');
  if (!Number.isSafeInteger(minor)) throw new RangeError(`"${amount}" is too large`);
  return sign === '-' ? -minor : minor;
}

/** The GraphQL `Money` object for an amount in minor units. */
export function money(amountMinor: number, currency: string): { amount: string; currencyCode: string } {
  return { amount: formatMinor(amountMinor, currency), currencyCode: currency };
}

/**
 * The one money allocator: splits `amount` minor units over `weights` in proportion, by largest
 * remainder. Every part is the floor of its exact quota `amount x weight / Σ weights`; the units
 * left over go one each to the parts with the largest remainders, and a tie goes to the earlier
 * weight, so the split is deterministic and depends on nothing but its arguments. The parts are
 * integers, add up to exactly `amount`, and each is within one unit of its quota. Order totals
 * (an order discount over lines), return valuation and refund calculation all split with it, so a
 * return's value and its refund can never round differently.
 *
 * Integers only, compared as integer fractions (BigInt: `amount x weight` may pass 2^53); no float
 * ever touches money. Throws a RangeError for a negative or fractional amount or weight, and for a
 * non-zero amount over no weight at all.
 */
export function allocate(amount: number, weights: readonly number[]): number[] {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new RangeError(`amount must be a non-negative integer of minor units, got ${amount}`);
  if (weights.some((weight) => !Number.isSafeInteger(weight) || weight < 0))
    throw new RangeError(`weights must be non-negative integers, got [${weights.join(', ')}]`);
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum === 0) {
    if (amount === 0) return weights.map(() => 0);
    throw new RangeError(`cannot allocate ${amount} over weights that add up to zero`);
  }
  const bigAmount = BigInt(amount);
  const bigSum = BigInt(sum);
  const parts = weights.map((weight) => (bigAmount * BigInt(weight)) / bigSum);
  let left = bigAmount - parts.reduce((a, b) => a + b, 0n);
  const byRemainder = weights
    .map((weight, index) => ({ index, remainder: (bigAmount * BigInt(weight)) % bigSum }))
    .sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  for (const { index } of byRemainder) {
    if (left === 0n) break;
    parts[index] = (parts[index] as bigint) + 1n;
    left -= 1n;
  }
  return parts.map(Number);
}

/**
 * The share of a line-level amount (its discount or its tax) that belongs to units `from`
 * (0-based) up to `from + count` of a line of `quantity` units. The per-unit shares come from
 * `allocate` over equal weights, so the earlier units carry the leftover cents, and the slices of
 * a line taken one after another — however many returns and refunds it is spread over — add up
 * to exactly the line's amount. Returns and refunds both take the next unused slice, so a return
 * and the refund of the same units get the same cents.
 */
export function unitsShare(amount: number, quantity: number, from: number, count: number): number {
  if (!Number.isSafeInteger(quantity) || quantity < 1) throw new RangeError(`a line has at least one unit, got ${quantity}`);
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(count) || from < 0 || count < 0 || from + count > quantity) {
    throw new RangeError(`units ${from}..${from + count} are outside a line of ${quantity}`);
  }
  const perUnit = allocate(
    amount,
    Array.from({ length: quantity }, () => 1),
  );
  return perUnit.slice(from, from + count).reduce((a, b) => a + b, 0);
}

/**
 * Money is integer minor units plus an ISO 4217 code, everywhere. The API shows amounts as
 * decimal strings; this module is the only place that converts between the two.
 */

/** Minor-unit exponent per currency, where it is not the usual 2 (ISO 4217). */
const EXPONENT_EXCEPTIONS: Record<string, number> = {
  JPY: 0, KRW: 0, CLP: 0, ISK: 0, VND: 0, HUF: 2,
  BHD: 3, KWD: 3, OMR: 3, JOD: 3, TND: 3,
};

/** The currencies the graph accepts; the `CurrencyCode` enum of every subgraph lists exactly these. */
export const CURRENCY_CODES = [
  'AUD', 'BHD', 'BRL', 'CAD', 'CHF', 'CLP', 'CNY', 'CZK', 'DKK', 'EUR', 'GBP', 'HKD', 'HUF', 'ISK',
  'JOD', 'JPY', 'KRW', 'KWD', 'MXN', 'NOK', 'NZD', 'OMR', 'PLN', 'SEK', 'SGD', 'TND', 'USD', 'VND', 'ZAR',
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
  const digits = Math.abs(amountMinor).toString().padStart(exponent + 1, '0');
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

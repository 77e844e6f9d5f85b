/**
 * Our minor units versus BC's decimal amounts. BC's JSON carries amounts as JSON numbers
 * (`7508.16`), which JavaScript reads as doubles; we never multiply them. A double's shortest
 * decimal form (`String(x)`) is exactly the literal BC wrote whenever that literal has at most 15
 * significant digits — every amount BC rounds to a currency's precision below a trillion does —
 * so we convert through that string with `parseDecimal`, which refuses instead of rounding.
 */
import { formatMinor, parseDecimal } from '../../../platform/money';

/** `1250, 'USD'` → `12.5` for a JSON body: the double nearest "12.50", which JSON writes back as `12.5`. */
export function toBcAmount(amountMinor: number, currency: string): number {
  return Number(formatMinor(amountMinor, currency));
}

/**
 * A BC amount (a JSON number) in `currency`'s minor units, exactly. Throws a `RangeError` for
 * an amount with more decimals than the currency has, or one too large to be exact, never rounding.
 */
export function fromBcAmount(amount: unknown, currency: string): number {
  if (typeof amount !== 'number' || !Number.isFinite(amount)) throw new RangeError(`BC amount ${String(amount)} is not a finite number`);
  const literal = String(amount);
  // Exponent notation appears only below 1e-6 or from 1e21: never a booked amount.
  if (/e/i.test(literal)) throw new RangeError(`BC amount ${literal} is outside what we book`);
  return parseDecimal(literal, currency);
}

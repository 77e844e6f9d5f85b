/**
 * Money between our integer minor units and NetSuite's decimal amounts, exactly: through decimal
 * strings (`platform/money.ts`), never by multiplying floats.
 */
import { formatMinor, parseDecimal } from '../../../platform/money';

/**
 * `5640, 'USD'` → `56.4` as a JSON number. `Number("56.40")` serialises as the shortest decimal that
 * round-trips, `56.4`, so the text NetSuite reads is exactly our amount.
 */
export function toNetSuiteAmount(amountMinor: number, currency: string): number {
  return Number(formatMinor(amountMinor, currency));
}

/**
 * A NetSuite amount (a JSON number or, from SuiteQL, sometimes a string) → minor units. Refuses
 * more decimals than the currency has rather than rounding: a mismatch is for a person to see.
 */
export function fromNetSuiteAmount(value: unknown, currency: string): number {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  // String(1e21) is "1e+21" and String(0.0000001) "1e-7": neither is a memo amount.
  if (!/^-?\d+(\.\d+)?$/.test(text)) throw new RangeError(`NetSuite amount ${JSON.stringify(value)} is not a decimal amount`);
  return parseDecimal(text.startsWith('.') ? `0${text}` : text, currency);
}

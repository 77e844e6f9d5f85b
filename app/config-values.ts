/**
 * Kinds of setting value, shared by every group of settings in `config.ts`. Each states its
 * contract in its message, because the message is all an operator sees.
 */
import { z } from 'zod';

/**
 * A whole number in decimal digits from `min` to `max`. Digits only: `Number()` would read "" as 0
 * (PORT= would pick a random port) and "abc" as NaN (a threshold that every comparison passes).
 */
export const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `must be a whole number from ${min} to ${max}, in digits`)
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

export const port = wholeNumber(0, 65_535);
export const amountMinor = wholeNumber(0, Number.MAX_SAFE_INTEGER);
export const url = (protocol: RegExp, what: string) => z.url({ protocol, error: `must be a ${what} URL` });
export const httpUrl = url(/^https?$/, 'http:// or https://');
export const host = z.union([z.hostname(), z.ipv6()], { error: 'must be a host name or an IP address' });
/** A secret of at least `min` characters; its value never appears in an error message (see SECRETS). */
export const secret = (min: number) => z.string().min(min, `must be at least ${min} characters`);

/** Internal ids of NetSuite records: digits. */
export const netsuiteId = z.string().regex(/^\d{1,12}$/, 'must be a NetSuite internal id (digits)');
/** `key=id` pairs separated by commas, each key once: how our codes map to an ERP's internal ids. */
export const idMap = (key: string, what: string) =>
  z
    .string()
    .regex(new RegExp(`^${key}=\\d{1,12}(,${key}=\\d{1,12})*$`), `must be ${what}=<internal id> pairs separated by commas`)
    .refine((pairs) => {
      const keys = pairs.split(',').map((pair) => pair.slice(0, pair.indexOf('=')));
      return new Set(keys).size === keys.length;
    }, 'must name each key once')
    .transform((pairs) => Object.fromEntries(pairs.split(',').map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)])));

/** True for the JSON text of an object with a `kty`, the one member every JWK has. */
export function isJwkJson(text: string): boolean {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && typeof (parsed as { kty?: unknown }).kty === 'string';
  } catch {
    return false;
  }
}

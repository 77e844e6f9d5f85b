/**
 * Guards for the evaluation functions' plain inputs. The callers are our own code, so a bad value
 * is a bug, not a customer mistake: it throws a RangeError naming the input, instead of producing
 * a quietly wrong decision (a NaN window, a negative fee).
 */

/** Throws unless `value` is a safe integer ≥ 0 (a count or an amount in minor units). */
export function assertNonNegativeInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative safe integer, got ${value}`);
  }
}

/** Throws unless `value` is a valid Date. */
export function assertDate(name: string, value: Date): void {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new RangeError(`${name} must be a valid Date, got ${String(value)}`);
  }
}

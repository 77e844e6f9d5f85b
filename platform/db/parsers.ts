/**
 * Value parsing shared by both database implementations, so a store sees the same JS types
 * whichever engine runs underneath.
 */

/** PostgreSQL type OIDs whose parsing we override. */
export const PG_TYPE = { INT8: 20, NUMERIC: 1700 } as const;

/**
 * int8 columns hold money in minor units and counts. They are parsed to JS numbers, which are
 * exact up to 2^53 - 1 (90 trillion in a two-decimal currency); anything larger is refused
 * rather than silently rounded.
 */
export function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`int8 value ${text} is outside the exact integer range of a JS number`);
  }
  return value;
}

import type { X12Segment } from 'node-x12';

/** Element `position` (1-based) of a segment, trimmed; undefined when absent or blank. */
export function element(segment: X12Segment | undefined, position: number): string | undefined {
  const value = segment?.elements[position - 1]?.value?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/**
 * An X12 date (CCYYMMDD) as the ISO instant of midnight UTC that day: X12 headers carry a date
 * and the warehouse's local time zone is not in the message. Anything else stays as written, so
 * the message schema refuses it as INVALID_DATE.
 */
export function isoDate(value: string | undefined): string | undefined {
  const match = value ? /^(\d{4})(\d{2})(\d{2})$/.exec(value) : null;
  return match ? `${match[1]}-${match[2]}-${match[3]}T00:00:00Z` : value;
}

/** A quantity element: whole digits become a number (X12 R may write "2" or "2.0"); anything else stays text, which the schema refuses. */
export function quantity(value: string | undefined): unknown {
  if (value === undefined) return undefined;
  const match = /^(-?\d{1,10})(?:\.0*)?$/.exec(value);
  return match ? Number(match[1]) : value;
}

/** The product id of a W07/W19 among its qualifier/id pairs, by qualifier preference; undefined, or 'unsupported' when only other qualifiers are present. */
export function productId(segment: X12Segment, pairs: readonly [number, number][], qualifiers: readonly string[]): string | 'unsupported' | undefined {
  const found = pairs.map(([q, id]) => ({ qualifier: element(segment, q), id: element(segment, id) })).filter((pair) => pair.qualifier && pair.id);
  for (const qualifier of qualifiers) {
    const match = found.find((pair) => pair.qualifier === qualifier);
    if (match) return match.id;
  }
  return found.length > 0 ? 'unsupported' : undefined;
}

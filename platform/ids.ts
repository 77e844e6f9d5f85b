import { randomBytes } from 'node:crypto';

/** Crockford base32: no I, L, O or U, so ids survive being read aloud at a counter. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Id prefixes, one per kind of thing, so a misplaced id is caught at the door. */
export const ID_PREFIX = {
  order: 'ord',
  orderLine: 'oli',
  payment: 'pay',
  return: 'ret',
  returnLine: 'rli',
  refund: 'rfd',
  refundTender: 'rft',
  movement: 'mov',
  event: 'evt',
  reconciliationRun: 'rcn',
} as const;

export type IdPrefix = (typeof ID_PREFIX)[keyof typeof ID_PREFIX];
/** An id kind by prefix (`'rfd'`) or by name (`'refund'`). */
export type IdKind = IdPrefix | keyof typeof ID_PREFIX;

function prefixOf(kind: IdKind): IdPrefix {
  return (ID_PREFIX as Record<string, IdPrefix>)[kind] ?? (kind as IdPrefix);
}

/**
 * A new opaque id: `prefix_` + 26 base32 characters (48 bits of milliseconds, then 80 random
 * bits, as in ULID), so ids sort by creation time in indexes.
 */
export function newId(kind: IdKind, now: number = Date.now(), random: Uint8Array = randomBytes(10)): string {
  const prefix = prefixOf(kind);
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  let bits = 0n;
  for (const byte of random) bits = (bits << 8n) | BigInt(byte);
  let tail = '';
  for (let i = 0; i < 16; i++) {
    tail = ALPHABET[Number(bits & 31n)] + tail;
    bits >>= 5n;
  }
  return `${prefix}_${time}${tail}`;
}

const ID_PATTERN = /^([a-z]{3})_([0-9A-HJKMNP-TV-Z]{26})$/;

/** True when `value` is a well-formed id of the given kind. */
export function isId(kind: IdKind, value: string): boolean {
  const match = ID_PATTERN.exec(value);
  return match !== null && match[1] === prefixOf(kind);
}

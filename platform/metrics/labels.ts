/**
 * Label values with a bounded number of distinct values: a series per value lives in memory and in
 * Prometheus for ever, so anything a client or the data can choose (operation names, provider
 * names) is normalised and capped. Ids, keys and raw operation text are never labels.
 */

/** Longest label value kept; longer names are cut, so a 10 kB operation name costs 64 bytes. */
export const MAX_LABEL_LENGTH = 64;
/** Distinct operation names tracked per process before new ones count as `other`. */
export const MAX_OPERATION_NAMES = 200;
/** The value of every name past a label's cap. */
export const OTHER = 'other';
/** The operation label of an operation without a name (or a request that never parsed). */
export const ANONYMOUS = 'anonymous';

/** Characters a label value may keep; the rest become `_`, so a value never carries quotes or newlines. */
const UNSAFE = /[^A-Za-z0-9_.:-]/g;

/** `value` cut to `MAX_LABEL_LENGTH` with unsafe characters replaced; empty becomes `fallback`. */
export function normaliseLabel(value: string, fallback = 'unknown'): string {
  const cleaned = value.slice(0, MAX_LABEL_LENGTH).replace(UNSAFE, '_');
  return cleaned.length > 0 ? cleaned : fallback;
}

/**
 * A label whose first `cap` distinct values are kept and the rest read `other`. Lookups are one Map
 * access, so it costs O(1) per request; the set never grows past the cap.
 */
export class BoundedLabel {
  private readonly seen = new Set<string>();

  constructor(
    /** Distinct values kept (integer >= 1). */
    readonly cap: number,
    /** The value of an empty or missing input. */
    private readonly fallback = 'unknown',
  ) {
    if (!Number.isSafeInteger(cap) || cap < 1) throw new TypeError(`BoundedLabel cap must be an integer >= 1, but got: ${String(cap)}`);
  }

  /** The label value of `raw`. */
  of(raw: string | null | undefined): string {
    if (raw === null || raw === undefined || raw === '') return this.fallback;
    const value = normaliseLabel(raw, this.fallback);
    if (this.seen.has(value)) return value;
    if (this.seen.size >= this.cap) return OTHER;
    this.seen.add(value);
    return value;
  }
}

/** Operation names of the gateway's requests: `anonymous` without a name, `other` past the cap. */
export class OperationNameLabel {
  private readonly bounded: BoundedLabel;

  constructor(cap = MAX_OPERATION_NAMES) {
    this.bounded = new BoundedLabel(cap, ANONYMOUS);
  }

  of(operationName: string | null | undefined): string {
    return this.bounded.of(operationName);
  }
}

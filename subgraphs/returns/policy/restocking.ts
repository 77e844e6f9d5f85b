/**
 * Restocking fees: a percentage of a returned line's net value, from the most specific rule for
 * (category, reason) — category+reason > category+* > *+reason > *+*; no matching rule, no fee.
 * That DEFECTIVE, WRONG_ITEM and NOT_AS_DESCRIBED never carry a fee (the retailer's fault) is the
 * default document's choice, stated there as an explicit 0% rule, not a branch in code.
 */
import { assertNonNegativeInteger } from './inputs';
import type { ReturnPolicy, RestockingFeeRule } from './schema';
import { matchList, matchValue, mostSpecific } from './specificity';
import type { ReturnReason } from './vocabulary';

/** Basis points in 100%: fee = net × bp / 10 000. */
const FULL_BASIS_POINTS = 10_000n;

/** What a restocking fee is computed from. */
export interface RestockingFeeInput {
  /** The returned line's product category. */
  category: string;
  /** Why it is returned. */
  reason: ReturnReason;
  /** Net value of the returned units in minor units (after discounts, before tax). */
  netValueMinor: number;
}

/** The rule that sets the fee for a category and reason, if any. */
export function restockingFeeRuleFor(policy: ReturnPolicy, category: string, reason: ReturnReason): RestockingFeeRule | undefined {
  return mostSpecific(policy.restockingFees, (r) => [matchValue(r.category, category), matchList(r.reasons, reason)]);
}

/** A rule's percentage as whole basis points (validation allows at most two decimals). */
export function feeBasisPoints(rule: RestockingFeeRule): number {
  return Math.round(rule.percent * 100);
}

/**
 * The restocking fee in minor units: net × percent, rounded half up to a whole minor unit, never
 * negative and never more than the net value. Computed in BigInt so large values stay exact.
 */
export function restockingFeeMinor(policy: ReturnPolicy, input: RestockingFeeInput): number {
  assertNonNegativeInteger('netValueMinor', input.netValueMinor);
  const rule = restockingFeeRuleFor(policy, input.category, input.reason);
  if (!rule) return 0;
  const net = BigInt(input.netValueMinor);
  const fee = (net * BigInt(feeBasisPoints(rule)) + FULL_BASIS_POINTS / 2n) / FULL_BASIS_POINTS;
  return Number(fee > net ? net : fee);
}

/**
 * Fraud signals of a return: how often the customer returns, how much of what they bought comes
 * back, and whether there is a receipt. Each signal that fires is a reason; the worst outcome of
 * the fired signals is the assessment's outcome (DECLINE > REVIEW > APPROVE).
 */
import { assertNonNegativeInteger } from './inputs';
import { FraudSignal, PolicyMessages } from './messages';
import type { ReturnPolicy } from './schema';
import { FRAUD_OUTCOMES, type FraudOutcome } from '../../../contracts/vocabulary';

/** Basis points in 100%. */
const FULL_BASIS_POINTS = 10_000n;

/**
 * The customer's history as the returns store counts it. Every count and value INCLUDES the return
 * being assessed, so "3 returns in 30 days" means this is the customer's third.
 */
export interface FraudInput {
  /** Returns by this customer requested in the last 30 days, this one included. */
  returnsIn30Days: number;
  /** Returns by this customer requested in the last 90 days, this one included. */
  returnsIn90Days: number;
  /** Value returned by this customer in the last 90 days, this return included (minor units). */
  returnedValue90DaysMinor: number;
  /** Value this customer purchased in the last 90 days (minor units). */
  purchasedValue90DaysMinor: number;
  /** True when the return has no receipt or order to match it to. */
  receiptless: boolean;
}

/** One fired signal: what it was, what it asks for, and why, for the reviewer. */
export interface FraudReason {
  /** Which signal fired. */
  signal: FraudSignal;
  /** The outcome this signal alone asks for (REVIEW or DECLINE). */
  outcome: Exclude<FraudOutcome, 'APPROVE'>;
  /** User-facing explanation. */
  message: string;
}

/** The assessment of a return. */
export interface FraudAssessment {
  /** The worst outcome of the fired signals; APPROVE when none fired. */
  outcome: FraudOutcome;
  /** Every signal that fired, in a fixed order (30 days, 90 days, ratio, receipt). */
  reasons: FraudReason[];
}

/** The outcome a count or ratio asks for against review/decline thresholds (reaching one fires it). */
function thresholdOutcome(value: bigint | number, review: number, decline: number): FraudReason['outcome'] | null {
  if (value >= decline) return 'DECLINE';
  if (value >= review) return 'REVIEW';
  return null;
}

/**
 * Returned value as basis points of purchased value, rounded down; `null` when nothing was
 * purchased in the period (no basis for a ratio: returns of older purchases are caught by the
 * count signals).
 */
export function returnedValueRatioBasisPoints(returnedMinor: number, purchasedMinor: number): bigint | null {
  if (purchasedMinor === 0) return null;
  return (BigInt(returnedMinor) * FULL_BASIS_POINTS) / BigInt(purchasedMinor);
}

/** Assesses a return's fraud signals against the policy's thresholds. */
export function fraudAssessment(policy: ReturnPolicy, input: FraudInput): FraudAssessment {
  assertNonNegativeInteger('returnsIn30Days', input.returnsIn30Days);
  assertNonNegativeInteger('returnsIn90Days', input.returnsIn90Days);
  assertNonNegativeInteger('returnedValue90DaysMinor', input.returnedValue90DaysMinor);
  assertNonNegativeInteger('purchasedValue90DaysMinor', input.purchasedValue90DaysMinor);
  const { fraud } = policy;
  const reasons: FraudReason[] = [];

  const in30 = thresholdOutcome(input.returnsIn30Days, fraud.returnsIn30Days.review, fraud.returnsIn30Days.decline);
  if (in30) {
    const threshold = in30 === 'DECLINE' ? fraud.returnsIn30Days.decline : fraud.returnsIn30Days.review;
    reasons.push({ signal: FraudSignal.RETURNS_IN_30_DAYS, outcome: in30, message: PolicyMessages.returnsIn30Days(input.returnsIn30Days, threshold) });
  }
  const in90 = thresholdOutcome(input.returnsIn90Days, fraud.returnsIn90Days.review, fraud.returnsIn90Days.decline);
  if (in90) {
    const threshold = in90 === 'DECLINE' ? fraud.returnsIn90Days.decline : fraud.returnsIn90Days.review;
    reasons.push({ signal: FraudSignal.RETURNS_IN_90_DAYS, outcome: in90, message: PolicyMessages.returnsIn90Days(input.returnsIn90Days, threshold) });
  }
  // A ratio over one or two returns says nothing about a customer (one purchase, one return is 100%).
  const ratioRule = fraud.returnedValueRatio90Days;
  const ratio = returnedValueRatioBasisPoints(input.returnedValue90DaysMinor, input.purchasedValue90DaysMinor);
  if (ratio !== null && input.returnsIn90Days >= ratioRule.minimumReturns) {
    const byRatio = thresholdOutcome(ratio, ratioRule.reviewBasisPoints, ratioRule.declineBasisPoints);
    if (byRatio) {
      const threshold = byRatio === 'DECLINE' ? ratioRule.declineBasisPoints : ratioRule.reviewBasisPoints;
      reasons.push({
        signal: FraudSignal.RETURNED_VALUE_RATIO_90_DAYS,
        outcome: byRatio,
        message: PolicyMessages.returnedValueRatio(Number(ratio), threshold),
      });
    }
  }
  if (input.receiptless && fraud.receiptless.outcome !== 'APPROVE') {
    reasons.push({ signal: FraudSignal.RECEIPTLESS, outcome: fraud.receiptless.outcome, message: PolicyMessages.receiptless });
  }

  const worst = reasons.reduce((max, r) => Math.max(max, FRAUD_OUTCOMES.indexOf(r.outcome)), 0);
  return { outcome: FRAUD_OUTCOMES[worst] ?? 'APPROVE', reasons };
}

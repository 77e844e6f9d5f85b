/**
 * Reason codes and user-facing messages of policy decisions, together so they read consistently
 * and the returns subgraph can map them to its `userErrors` without rewording (rocket-rides'
 * `Messages`).
 */

/** Why a line cannot be returned now. A line with none of these is eligible. */
export const IneligibleCode = {
  /** The line was sold as final sale and the policy does not take final-sale items back. */
  FINAL_SALE: 'FINAL_SALE',
  /** The return window closed before `now`. */
  WINDOW_EXPIRED: 'WINDOW_EXPIRED',
  /** Every unit is already returned or in an open return. */
  NOTHING_LEFT_TO_RETURN: 'NOTHING_LEFT_TO_RETURN',
  /** The commerce platform cancelled the order: its money went back with the cancellation, not through a return. */
  ORDER_CANCELLED: 'ORDER_CANCELLED',
} as const;

/** One of `IneligibleCode`. */
export type IneligibleCode = (typeof IneligibleCode)[keyof typeof IneligibleCode];

/** The fraud signals an assessment can fire. */
export const FraudSignal = {
  RETURNS_IN_30_DAYS: 'RETURNS_IN_30_DAYS',
  RETURNS_IN_90_DAYS: 'RETURNS_IN_90_DAYS',
  RETURNED_VALUE_RATIO_90_DAYS: 'RETURNED_VALUE_RATIO_90_DAYS',
  RECEIPTLESS: 'RECEIPTLESS',
} as const;

/** One of `FraudSignal`. */
export type FraudSignal = (typeof FraudSignal)[keyof typeof FraudSignal];

/** `1234` basis points → `"12.34%"`, integer arithmetic only. */
function percentOf(basisPoints: number): string {
  const whole = Math.floor(basisPoints / 100);
  const rest = basisPoints % 100;
  return rest === 0 ? `${whole}%` : `${whole}.${String(rest).padStart(2, '0')}%`;
}

/** User-facing messages of policy decisions. */
export const PolicyMessages = {
  finalSale: 'This item was sold as final sale and cannot be returned.',
  windowExpired: (days: number, endsAt: Date) => `The ${days}-day return window for this item ended at ${endsAt.toISOString()}.`,
  orderCancelled: (at: Date) => `The order was cancelled at ${at.toISOString()}; a cancelled order is not returned.`,
  nothingLeft: (ordered: number) => `All ${ordered} unit(s) of this line are already returned or in an open return.`,
  returnsIn30Days: (count: number, threshold: number) => `${count} returns in the last 30 days (threshold ${threshold}).`,
  returnsIn90Days: (count: number, threshold: number) => `${count} returns in the last 90 days (threshold ${threshold}).`,
  returnedValueRatio: (ratioBasisPoints: number, thresholdBasisPoints: number) =>
    `Returned ${percentOf(ratioBasisPoints)} of the value purchased in the last 90 days (threshold ${percentOf(thresholdBasisPoints)}).`,
  receiptless: 'The return has no receipt or order to match it to.',
} as const;

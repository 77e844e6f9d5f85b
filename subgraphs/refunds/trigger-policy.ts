/**
 * When a return is refunded automatically: at receipt for low-risk returns (fraud screening said
 * APPROVE and the value is small), otherwise once every unit is inspected. Data, not branches per
 * channel; every channel's returns follow it.
 */
export const REFUND_TRIGGER_POLICY = {
  /** Fraud outcomes trusted enough to refund when the parcel arrives, before inspection. */
  receiptFraudOutcomes: ['APPROVE'] as readonly string[],
  /** Returns worth at most this (minor units, tax included) are refunded at receipt: 150.00. */
  receiptMaxValueMinor: 15_000,
} as const;

/** True when a return with this screening and value is refunded at receipt rather than at inspection. */
export function refundsAtReceipt(fraudOutcome: string, valueMinor: number): boolean {
  return REFUND_TRIGGER_POLICY.receiptFraudOutcomes.includes(fraudOutcome) && valueMinor <= REFUND_TRIGGER_POLICY.receiptMaxValueMinor;
}

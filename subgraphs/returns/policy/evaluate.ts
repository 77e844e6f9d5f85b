/**
 * The policy engine's evaluation functions, pure over plain data (no database, no GraphQL), so
 * every channel gets the same answer and each rule is tested alone. Each lives in a file named for
 * its concept; this module gathers them.
 */
export {
  lineEligibility,
  type EligibilityInput,
  type EligibilityLine,
  type EligibilityOrder,
  type IneligibleReason,
  type LineEligibility,
} from './eligibility';
export { returnWindow, isWithinWindow, windowRuleFor, DAY_MS, type ReturnWindow, type WindowOrder } from './window';
export { refundMethodsFor, refundMethodsForTender } from './refund-methods';
export { restockingFeeMinor, restockingFeeRuleFor, feeBasisPoints, type RestockingFeeInput } from './restocking';
export { approvalDecision, type ApprovalDecision } from './approval';
export { fraudAssessment, returnedValueRatioBasisPoints, type FraudAssessment, type FraudInput, type FraudReason } from './fraud';

/**
 * Who must approve a return, by its value. Thresholds are minor units of the return's currency,
 * written for USD-like currencies (two decimals: 20000 = 200.00); a retailer selling in a
 * zero-decimal currency such as JPY sets its own document.
 */
import { assertNonNegativeInteger } from './inputs';
import type { ReturnPolicy } from './schema';

/** The approval a return needs. */
export type ApprovalDecision = 'AUTO_APPROVE' | 'NEEDS_APPROVAL' | 'NEEDS_MANAGER_APPROVAL';

/**
 * `value ≤ autoApproveUpToMinor` → AUTO_APPROVE; `value > managerApprovalAboveMinor` →
 * NEEDS_MANAGER_APPROVAL; in between → NEEDS_APPROVAL (an associate or agent approves).
 */
export function approvalDecision(policy: ReturnPolicy, returnValueMinor: number): ApprovalDecision {
  assertNonNegativeInteger('returnValueMinor', returnValueMinor);
  const { autoApproveUpToMinor, managerApprovalAboveMinor } = policy.approval;
  if (returnValueMinor > managerApprovalAboveMinor) return 'NEEDS_MANAGER_APPROVAL';
  if (returnValueMinor > autoApproveUpToMinor) return 'NEEDS_APPROVAL';
  return 'AUTO_APPROVE';
}

import type { Queryable } from '../../../platform/db';
import { approvalDecision, fraudAssessment, type ApprovalDecision, type FraudAssessment, type ReturnPolicy } from '../policy';
import { transition, type ReturnAction } from '../domain/status';
import type { ReturnStatus } from '../../../contracts/vocabulary';
import { customerHistory, type OrderSnapshot } from './lifecycle-queries';
import { ReturnErrorCode, ReturnMessages, userError, type UserError } from './user-errors';
import type { CreateMode } from './create';

/** The policy's screening of a new return: its fraud signals and the approval its value needs. */
export interface Screening {
  fraud: FraudAssessment;
  approval: ApprovalDecision;
  /** False for a receipt-less return at a counter (one of the fraud signals). */
  receiptPresented: boolean;
}

/** How a new return starts (the transition from nothing), or the userError that refuses it. */
export type Creation = { ok: true; status: ReturnStatus; action: ReturnAction; declineReason: string | null } | { ok: false; error: UserError };

/**
 * Screens a new return worth `valueMinor` against the customer's history and the policy's fraud
 * signals and approval thresholds. The history read here does not hold the return being
 * assessed yet, so it is counted in.
 */
export async function screenReturn(
  tx: Queryable,
  policy: ReturnPolicy,
  order: OrderSnapshot,
  input: { receiptPresented?: boolean | null },
  valueMinor: number,
  now: Date,
): Promise<Screening> {
  const history = await customerHistory(tx, order.customer_id, now);
  const receiptPresented = input.receiptPresented ?? true;
  const fraud = fraudAssessment(policy, {
    returnsIn30Days: history.returnsIn30Days + 1,
    returnsIn90Days: history.returnsIn90Days + 1,
    returnedValue90DaysMinor: history.returnedValue90DaysMinor + valueMinor,
    purchasedValue90DaysMinor: history.purchasedValue90DaysMinor,
    receiptless: !receiptPresented,
  });
  return { fraud, approval: approvalDecision(policy, valueMinor), receiptPresented };
}

/**
 * How the screening lets the return start. At a counter (`authorize`) the associate gets an answer
 * now: authorized, or refused — declined by policy, or waiting for a manager of the store
 * (`managerPresent` is asked only then). A self-service request is never refused: it is declined,
 * auto-authorized, or left REQUESTED for an agent.
 */
export function decideCreation(mode: CreateMode, screening: Screening, managerPresent: () => boolean): Creation {
  return mode === 'authorize' ? decideAtCounter(screening, managerPresent) : decideRequest(screening);
}

function decideAtCounter({ fraud, approval }: Screening, managerPresent: () => boolean): Creation {
  const reasons = fraud.reasons.map((reason) => reason.message);
  if (fraud.outcome === 'DECLINE') return { ok: false, error: userError(ReturnErrorCode.DECLINED_BY_POLICY, null, ReturnMessages.declinedByPolicy(reasons)) };
  const needsManager = approval === 'NEEDS_MANAGER_APPROVAL' || fraud.outcome === 'REVIEW';
  if (needsManager && !managerPresent()) {
    return {
      ok: false,
      error: userError(
        ReturnErrorCode.MANAGER_APPROVAL_REQUIRED,
        null,
        fraud.outcome === 'REVIEW' ? ReturnMessages.needsReview(reasons) : ReturnMessages.managerApproval,
      ),
    };
  }
  return starts('AUTHORIZED', null);
}

function decideRequest({ fraud, approval }: Screening): Creation {
  if (fraud.outcome === 'DECLINE') return starts('DECLINED', 'FRAUD_SIGNALS');
  return starts(fraud.outcome === 'APPROVE' && approval === 'AUTO_APPROVE' ? 'AUTHORIZED' : 'REQUESTED', null);
}

/**
 * The creation is a transition from nothing, checked against the one table like every other:
 * a request the policy auto-approves is an `authorize`, one it declines a `decline`.
 */
function starts(status: ReturnStatus, declineReason: string | null): Creation {
  const action: ReturnAction = status === 'REQUESTED' ? 'request' : status === 'AUTHORIZED' ? 'authorize' : 'decline';
  if (transition(null, action) !== status) throw new Error(`creating a return as ${status} by ${action} is not in TRANSITIONS`);
  return { ok: true, status, action, declineReason };
}

import type { Queryable } from '../../platform/db';
import { assertMayPerform, type Principal } from '../../platform/auth';
import { parseDecimal } from '../../platform/money';
import type { WriteTx } from '../../platform/write-path/write-tx';
import { isId } from '../../platform/ids';
import { createRefund } from './create-refund';
import { lockOrder, returnSnapshot } from './calculation-inputs';
import type { FourEyesSettings } from './settings';
import { refreshRefundStatus } from './status-rollup';
import type { CalcReturnLine } from './domain/calculate';
import type { RefundMethod } from '../../contracts/vocabulary';
import { RefundErrorCode, RefundMessages, type RefundUserError } from './user-errors';

/** What refund mutations store under their idempotency key and replay. */
export interface RefundPayload {
  refundId: string | null;
  userErrors: RefundUserError[];
}

const refused = (code: RefundErrorCode, field: string[] | null, message: string): RefundPayload => ({ refundId: null, userErrors: [{ code, field, message }] });

/** Input of `issueRefund`. */
export interface IssueRefundInput {
  orderId: string;
  returnId?: string | null;
  lines?: { orderLineId: string; quantity: number }[] | null;
  amount?: string | null;
  reason: string;
  refundMethod?: RefundMethod | null;
}

/**
 * `issueRefund`: a person refunds units (and/or an amount) of an order, with a reason. The amount
 * is calculated like any refund; an override may lower it, or set an appeasement without units.
 * Above the four-eyes threshold (`fourEyes`, counting the requester's earlier manual refunds of the
 * order) it waits, unpaid, for a second approver. Audited.
 */
export async function issueRefund(tx: WriteTx, principal: Principal, input: IssueRefundInput, fourEyes: FourEyesSettings): Promise<RefundPayload> {
  assertMayPerform(principal, 'issueRefund');
  const malformed = malformedRequest(input);
  if (malformed) return malformed;
  const order = await lockOrder(tx, input.orderId);
  if (!order) return refused(RefundErrorCode.ORDER_NOT_FOUND, ['input', 'orderId'], RefundMessages.orderNotFound(input.orderId));
  const foreign = await foreignReturn(tx, input);
  if (foreign) return foreign;
  const override = overrideOf(input.amount, order.currency);
  if ('refusal' in override) return override.refusal;
  const units = unitsToRefund(input, override.minor);
  if ('refusal' in units) return units.refusal;
  const result = await createRefund(tx, {
    orderId: input.orderId,
    returnId: input.returnId ?? null,
    trigger: 'MANUAL',
    triggerKey: null,
    refundMethod: input.refundMethod ?? 'ORIGINAL_PAYMENT',
    returnLines: units.lines,
    overrideMinor: override.minor,
    reason: input.reason,
    requestedBy: principal.subject,
    secondApproverAboveMinor: fourEyes.secondApproverAboveMinor,
  });
  if (!result.ok) return refused(result.code, ['input'], result.message);
  await auditIssued(tx, principal, input, result.refundId);
  return { refundId: result.refundId, userErrors: [] };
}

/** The refusal of a request that is malformed before anything is read: not an order id, no reason or an overlong one. */
function malformedRequest(input: IssueRefundInput): RefundPayload | null {
  if (!isId('ord', input.orderId)) return refused(RefundErrorCode.INVALID_VALUE, ['input', 'orderId'], RefundMessages.notAnOrderId(input.orderId));
  if (!input.reason.trim() || input.reason.length > 500) return refused(RefundErrorCode.INVALID_VALUE, ['input', 'reason'], RefundMessages.reasonRequired);
  return null;
}

/** The refusal when the request names a return that is not a return of its order known to refunds. */
async function foreignReturn(tx: Queryable, input: IssueRefundInput): Promise<RefundPayload | null> {
  if (!input.returnId) return null;
  const ret = await returnSnapshot(tx, input.returnId);
  if (!ret || ret.order_id !== input.orderId)
    return refused(RefundErrorCode.RETURN_NOT_FOUND, ['input', 'returnId'], RefundMessages.returnNotOfOrder(input.returnId));
  return null;
}

/** The amount a person set, in minor units of the order's currency (null: none), or the refusal of one that is not an amount above zero. */
function overrideOf(amount: string | null | undefined, currency: string): { minor: number | null } | { refusal: RefundPayload } {
  if (amount === undefined || amount === null) return { minor: null };
  let minor: number;
  try {
    minor = parseDecimal(amount, currency);
  } catch {
    return { refusal: refused(RefundErrorCode.INVALID_AMOUNT, ['input', 'amount'], RefundMessages.invalidAmount(amount, currency)) };
  }
  if (minor <= 0) return { refusal: refused(RefundErrorCode.INVALID_AMOUNT, ['input', 'amount'], RefundMessages.amountNotPositive) };
  return { minor };
}

/** The units to refund (no restocking fee: a person decided), or the refusal of bad quantities or of a refund of nothing. */
function unitsToRefund(input: IssueRefundInput, overrideMinor: number | null): { lines: CalcReturnLine[] } | { refusal: RefundPayload } {
  const lines = (input.lines ?? []).map((line) => ({
    returnLineId: null,
    orderLineId: line.orderLineId,
    quantity: line.quantity,
    reason: 'OTHER',
    restockingFeeMinor: 0,
  }));
  if (lines.some((line) => !Number.isInteger(line.quantity) || line.quantity < 1))
    return { refusal: refused(RefundErrorCode.INVALID_VALUE, ['input', 'lines'], RefundMessages.invalidQuantities) };
  if (lines.length === 0 && overrideMinor === null)
    return { refusal: refused(RefundErrorCode.NOTHING_TO_REFUND, ['input', 'lines'], RefundMessages.nothingGiven) };
  return { lines };
}

/** The audit row of a manual refund, in the refund's transaction. */
async function auditIssued(tx: WriteTx, principal: Principal, input: IssueRefundInput, refundId: string): Promise<void> {
  await tx.audit({
    principal,
    action: 'issueRefund',
    target: refundId,
    details: { orderId: input.orderId, returnId: input.returnId ?? null, amount: input.amount ?? null, lines: input.lines ?? [], reason: input.reason },
  });
}

async function lockRefund(tx: Queryable, refundId: string) {
  const { rows } = await tx.query<{ id: string; status: string; approval_state: string; requested_by: string }>(
    `SELECT id, status, approval_state, requested_by FROM refunds.refunds WHERE id = $1 FOR UPDATE`,
    [refundId],
  );
  return rows[0] ?? null;
}

/** `approveRefund`: the second pair of eyes; never the requester. Audited. */
export async function approveRefund(tx: WriteTx, principal: Principal, input: { refundId: string }): Promise<RefundPayload> {
  assertMayPerform(principal, 'approveRefund');
  const refund = await lockRefund(tx, input.refundId);
  if (!refund) return refused(RefundErrorCode.REFUND_NOT_FOUND, ['input', 'refundId'], RefundMessages.refundNotFound(input.refundId));
  if (refund.approval_state !== 'AWAITING_APPROVAL')
    return refused(RefundErrorCode.NOT_AWAITING_APPROVAL, ['input', 'refundId'], RefundMessages.notAwaitingApproval);
  if (refund.requested_by === principal.subject) return refused(RefundErrorCode.SAME_APPROVER, ['input', 'refundId'], RefundMessages.sameApprover);
  await tx.query(`UPDATE refunds.refunds SET approval_state = 'APPROVED', approved_by = $2, revision = revision + 1, updated_at = now() WHERE id = $1`, [
    refund.id,
    principal.subject,
  ]);
  await tx.query(`UPDATE refunds.refund_tenders SET next_attempt_at = now() WHERE refund_id = $1 AND status = 'PENDING'`, [refund.id]);
  await tx.audit({ principal, action: 'approveRefund', target: refund.id, details: { requestedBy: refund.requested_by } });
  return { refundId: refund.id, userErrors: [] };
}

/**
 * `retryRefund`: a FAILED refund tries again. Its failed tenders start a new generation — a new
 * provider key, because the failure was definitive and moved no money; Stripe would replay the
 * old failure for the old key. Audited.
 */
export async function retryRefund(tx: WriteTx, principal: Principal, input: { refundId: string }): Promise<RefundPayload> {
  assertMayPerform(principal, 'retryRefund');
  const refund = await lockRefund(tx, input.refundId);
  if (!refund) return refused(RefundErrorCode.REFUND_NOT_FOUND, ['input', 'refundId'], RefundMessages.refundNotFound(input.refundId));
  if (refund.status !== 'FAILED') return refused(RefundErrorCode.NOT_FAILED, ['input', 'refundId'], RefundMessages.notFailed(refund.status));
  await tx.query(
    // The failed attempt's provider refund id goes too: nothing may match the new attempt to the old one.
    `UPDATE refunds.refund_tenders SET status = 'PENDING', generation = generation + 1, attempts = 0, last_error = NULL, provider_refund_id = NULL,
            next_attempt_at = now(), updated_at = now()
      WHERE refund_id = $1 AND status = 'FAILED'`,
    [refund.id],
  );
  await refreshRefundStatus(tx, refund.id);
  await tx.audit({ principal, action: 'retryRefund', target: refund.id, details: {} });
  return { refundId: refund.id, userErrors: [] };
}

import type { Queryable } from '../../platform/db';
import { assertMayPerform, type Principal } from '../../platform/auth';
import { parseDecimal } from '../../platform/money';
import { audit } from '../../platform/write-path/audit';
import { currentScope } from '../../platform/context';
import { isId } from '../../platform/ids';
import { createRefund } from './create-refund';
import { lockOrder, returnSnapshot } from './calculation-inputs';
import type { FourEyesSettings } from './settings';
import { refreshRefundStatus } from './status-rollup';
import type { RefundMethod } from '../../contracts/vocabulary';

/** A userError of a refund mutation. */
export interface RefundUserError {
  code: string;
  field: string[] | null;
  message: string;
}

/** What refund mutations store under their idempotency key and replay. */
export interface RefundPayload {
  refundId: string | null;
  userErrors: RefundUserError[];
}

const refused = (code: string, field: string[] | null, message: string): RefundPayload => ({ refundId: null, userErrors: [{ code, field, message }] });

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
export async function issueRefund(tx: Queryable, principal: Principal, input: IssueRefundInput, fourEyes: FourEyesSettings): Promise<RefundPayload> {
  assertMayPerform(principal, 'issueRefund');
  if (!isId('ord', input.orderId)) return refused('INVALID_VALUE', ['input', 'orderId'], `"${input.orderId}" is not an order id.`);
  if (!input.reason.trim() || input.reason.length > 500) return refused('INVALID_VALUE', ['input', 'reason'], 'A reason of 1 to 500 characters is required.');
  const order = await lockOrder(tx, input.orderId);
  if (!order) return refused('ORDER_NOT_FOUND', ['input', 'orderId'], `Order ${input.orderId} is not known to refunds (yet).`);
  if (input.returnId) {
    const ret = await returnSnapshot(tx, input.returnId);
    if (!ret || ret.order_id !== input.orderId) return refused('RETURN_NOT_FOUND', ['input', 'returnId'], `Return ${input.returnId} is not a return of this order known to refunds.`);
  }
  let overrideMinor: number | null = null;
  if (input.amount !== undefined && input.amount !== null) {
    try {
      overrideMinor = parseDecimal(input.amount, order.currency);
    } catch (error) {
      return refused('INVALID_AMOUNT', ['input', 'amount'], (error as Error).message);
    }
    if (overrideMinor <= 0) return refused('INVALID_AMOUNT', ['input', 'amount'], 'The amount must be more than zero.');
  }
  const lines = (input.lines ?? []).map((line) => ({ returnLineId: null, orderLineId: line.orderLineId, quantity: line.quantity, reason: 'OTHER', restockingFeeMinor: 0 }));
  if (lines.some((line) => !Number.isInteger(line.quantity) || line.quantity < 1)) return refused('INVALID_VALUE', ['input', 'lines'], 'Quantities must be whole numbers of at least 1.');
  if (lines.length === 0 && overrideMinor === null) return refused('NOTHING_TO_REFUND', ['input', 'lines'], 'Give lines to refund, an amount, or both.');
  const result = await createRefund(tx, {
    orderId: input.orderId,
    returnId: input.returnId ?? null,
    trigger: 'MANUAL',
    triggerKey: null,
    refundMethod: input.refundMethod ?? 'ORIGINAL_PAYMENT',
    returnLines: lines,
    overrideMinor,
    reason: input.reason,
    requestedBy: principal.subject,
    secondApproverAboveMinor: fourEyes.secondApproverAboveMinor,
  });
  if (!result.ok) return refused(result.code, ['input'], result.message);
  await audit(tx, 'refunds', {
    actor: principal.subject,
    roles: principal.roles,
    action: 'issueRefund',
    target: result.refundId,
    details: { orderId: input.orderId, returnId: input.returnId ?? null, amount: input.amount ?? null, lines: input.lines ?? [], reason: input.reason },
    correlationId: currentScope()?.correlationId,
  });
  return { refundId: result.refundId, userErrors: [] };
}

async function lockRefund(tx: Queryable, refundId: string) {
  const { rows } = await tx.query<{ id: string; status: string; approval_state: string; requested_by: string }>(
    `SELECT id, status, approval_state, requested_by FROM refunds.refunds WHERE id = $1 FOR UPDATE`,
    [refundId],
  );
  return rows[0] ?? null;
}

/** `approveRefund`: the second pair of eyes; never the requester. Audited. */
export async function approveRefund(tx: Queryable, principal: Principal, input: { refundId: string }): Promise<RefundPayload> {
  assertMayPerform(principal, 'approveRefund');
  const refund = await lockRefund(tx, input.refundId);
  if (!refund) return refused('REFUND_NOT_FOUND', ['input', 'refundId'], `Refund ${input.refundId} does not exist.`);
  if (refund.approval_state !== 'AWAITING_APPROVAL') return refused('NOT_AWAITING_APPROVAL', ['input', 'refundId'], 'This refund does not wait for approval.');
  if (refund.requested_by === principal.subject) return refused('SAME_APPROVER', ['input', 'refundId'], 'A refund needs a second approver who is not its requester.');
  await tx.query(`UPDATE refunds.refunds SET approval_state = 'APPROVED', approved_by = $2, revision = revision + 1, updated_at = now() WHERE id = $1`, [refund.id, principal.subject]);
  await tx.query(`UPDATE refunds.refund_tenders SET next_attempt_at = now() WHERE refund_id = $1 AND status = 'PENDING'`, [refund.id]);
  await audit(tx, 'refunds', { actor: principal.subject, roles: principal.roles, action: 'approveRefund', target: refund.id, details: { requestedBy: refund.requested_by }, correlationId: currentScope()?.correlationId });
  return { refundId: refund.id, userErrors: [] };
}

/**
 * `retryRefund`: a FAILED refund tries again. Its failed tenders start a new generation — a new
 * provider key, because the failure was definitive and moved no money; Stripe would replay the
 * old failure for the old key. Audited.
 */
export async function retryRefund(tx: Queryable, principal: Principal, input: { refundId: string }): Promise<RefundPayload> {
  assertMayPerform(principal, 'retryRefund');
  const refund = await lockRefund(tx, input.refundId);
  if (!refund) return refused('REFUND_NOT_FOUND', ['input', 'refundId'], `Refund ${input.refundId} does not exist.`);
  if (refund.status !== 'FAILED') return refused('NOT_FAILED', ['input', 'refundId'], `Only a FAILED refund can be retried; this one is ${refund.status}.`);
  await tx.query(
    // The failed attempt's provider refund id goes too: nothing may match the new attempt to the old one.
    `UPDATE refunds.refund_tenders SET status = 'PENDING', generation = generation + 1, attempts = 0, last_error = NULL, provider_refund_id = NULL,
            next_attempt_at = now(), updated_at = now()
      WHERE refund_id = $1 AND status = 'FAILED'`,
    [refund.id],
  );
  await refreshRefundStatus(tx, refund.id);
  await audit(tx, 'refunds', { actor: principal.subject, roles: principal.roles, action: 'retryRefund', target: refund.id, details: {}, correlationId: currentScope()?.correlationId });
  return { refundId: refund.id, userErrors: [] };
}

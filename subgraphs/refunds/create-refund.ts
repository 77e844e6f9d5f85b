import type { Queryable } from '../../platform/db';
import type { WriteTx } from '../../platform/write-path/write-tx';
import { newId } from '../../platform/ids';
import { currentScope } from '../../platform/context';
import { activeTraceparent } from '../../platform/telemetry/spans';
import { calculateRefund, type CalcReturnLine, type Calculation } from './domain/calculate';
import type { RefundMethod } from '../../contracts/vocabulary';
import { calcOrder, lockOrder, manualRefundedBy, priorRefunds } from './calculation-inputs';
import { RefundRequested } from '../../contracts/events/refunds';
import { RefundErrorCode, RefundMessages } from './user-errors';

/** What starts a refund. */
export interface NewRefund {
  orderId: string;
  returnId: string | null;
  trigger: 'RECEIPT' | 'INSPECTION' | 'MANUAL';
  /** Unique per trigger (e.g. `receipt:<returnId>`): a second request with it returns the first refund. */
  triggerKey: string | null;
  refundMethod: RefundMethod;
  returnLines: CalcReturnLine[];
  overrideMinor?: number | null;
  reason?: string | null;
  requestedBy: string;
  /**
   * Four eyes: a MANUAL refund waits for a second approver before any money moves when it, together
   * with what the same requester already refunds by hand on this order, is above this amount (minor
   * units); null: never (automatic refunds).
   */
  secondApproverAboveMinor: number | null;
}

/** A refund was created (or already existed for the trigger), or why not. */
export type CreateRefundResult = { ok: true; refundId: string; duplicate: boolean } | { ok: false; code: RefundErrorCode; message: string };

/**
 * Creates a refund in the caller's transaction: the order's snapshot is locked, the amount
 * calculated against what earlier refunds already took, the breakdown and tenders written, and
 * `RefundRequested` appended. Nothing is paid here: the executor pays PENDING tenders afterwards,
 * each with a provider key fixed by its own id.
 */
export async function createRefund(tx: WriteTx, request: NewRefund): Promise<CreateRefundResult> {
  const earlier = await refundForTrigger(tx, request.triggerKey);
  if (earlier) return earlier;
  const order = await lockOrder(tx, request.orderId);
  if (!order) return { ok: false, code: RefundErrorCode.ORDER_NOT_FOUND, message: RefundMessages.orderNotFound(request.orderId) };
  // Again under the order's lock: a concurrent delivery of the same trigger may have committed
  // the refund while we waited for the lock, and its units are now "already refunded".
  const committed = await refundForTrigger(tx, request.triggerKey);
  if (committed) return committed;
  const calculation = calculateRefund({
    order: calcOrder(order),
    returnLines: request.returnLines,
    prior: await priorRefunds(tx, request.orderId),
    refundMethod: request.refundMethod,
    overrideMinor: request.overrideMinor,
  });
  if (!calculation.ok) return { ok: false, code: calculation.code, message: calculation.message };

  const id = newId('rfd');
  const approval = await approvalState(tx, request, calculation.totalMinor);
  const storeId = request.returnId ? await returnStore(tx, request.returnId) : null;
  await tx.query(
    `INSERT INTO refunds.refunds (id, order_id, return_id, status, amount_minor, currency, customer_id, partner_id, trigger, trigger_key, refund_method,
        reason, requested_by, approval_state, overridden, store_id)
     VALUES ($1, $2, $3, 'PENDING', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
    [
      id,
      request.orderId,
      request.returnId,
      calculation.totalMinor,
      calculation.currency,
      order.customer_id,
      order.partner_id,
      request.trigger,
      request.triggerKey,
      request.refundMethod,
      request.reason ?? null,
      request.requestedBy,
      approval,
      request.overrideMinor !== undefined && request.overrideMinor !== null,
      storeId,
    ],
  );
  await insertBreakdown(tx, id, calculation);
  await tx.emit(RefundRequested, id, {
    refundId: id,
    orderId: request.orderId,
    returnId: request.returnId,
    status: 'PENDING',
    revision: 1,
    amountMinor: calculation.totalMinor,
    currency: calculation.currency,
    customerId: order.customer_id,
    partnerId: order.partner_id,
    storeId,
    trigger: request.trigger,
    awaitingApproval: approval === 'AWAITING_APPROVAL',
  });
  return { ok: true, refundId: id, duplicate: false };
}

/** The refund an earlier request with the same trigger key created, as a duplicate result; null when none (or no key). */
async function refundForTrigger(tx: Queryable, triggerKey: string | null): Promise<CreateRefundResult | null> {
  if (!triggerKey) return null;
  const { rows } = await tx.query<{ id: string }>(`SELECT id FROM refunds.refunds WHERE trigger_key = $1`, [triggerKey]);
  return rows[0] ? { ok: true, refundId: rows[0].id, duplicate: true } : null;
}

/** Writes the calculation's breakdown rows and its PENDING tenders, each tender with its own id (its provider key). */
async function insertBreakdown(tx: Queryable, refundId: string, calculation: Extract<Calculation, { ok: true }>): Promise<void> {
  for (const [position, line] of calculation.lines.entries()) {
    await tx.query(
      `INSERT INTO refunds.refund_lines (refund_id, position, kind, return_line_id, order_line_id, sku, quantity, merchandise_minor, discount_minor, tax_minor, restocking_fee_minor, total_minor)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        refundId,
        position,
        line.kind,
        line.returnLineId,
        line.orderLineId,
        line.sku,
        line.quantity,
        line.merchandiseMinor,
        line.discountMinor,
        line.taxMinor,
        line.restockingFeeMinor,
        line.totalMinor,
      ],
    );
  }
  // The payment worker pays each tender later, in its own round: it continues this request's
  // correlation id and trace from what is stored here.
  const correlationId = currentScope()?.correlationId.slice(0, 200) ?? null;
  const traceparent = activeTraceparent();
  for (const [position, tender] of calculation.tenders.entries()) {
    await tx.query(
      `INSERT INTO refunds.refund_tenders (id, refund_id, position, method, payment_id, provider, payment_reference, amount_minor, status, correlation_id, traceparent)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'PENDING', $9, $10)`,
      [
        newId('rft'),
        refundId,
        position,
        tender.method,
        tender.paymentId,
        tender.provider,
        tender.paymentReference,
        tender.amountMinor,
        correlationId,
        traceparent,
      ],
    );
  }
}

/**
 * Whether the refund waits for a second approver. The threshold applies to the requester's manual
 * refunds of the order in total, so splitting one refund into parts below it changes nothing. The
 * caller holds the order's lock, which serialises two concurrent parts: the second sees the first.
 */
async function approvalState(tx: Queryable, request: NewRefund, totalMinor: number): Promise<'AWAITING_APPROVAL' | 'NOT_REQUIRED'> {
  if (request.secondApproverAboveMinor === null) return 'NOT_REQUIRED';
  const earlierMinor = request.trigger === 'MANUAL' ? await manualRefundedBy(tx, request.orderId, request.requestedBy) : 0;
  return earlierMinor + totalMinor > request.secondApproverAboveMinor ? 'AWAITING_APPROVAL' : 'NOT_REQUIRED';
}

/** The store that took a return, from the refunds subgraph's copy of it. */
async function returnStore(tx: Queryable, returnId: string): Promise<string | null> {
  const { rows } = await tx.query<{ store_id: string | null }>(`SELECT store_id FROM refunds.return_snapshots WHERE return_id = $1`, [returnId]);
  return rows[0]?.store_id ?? null;
}

import type { Queryable } from '../../platform/db';
import type { WriteTx } from '../../platform/write-path/write-tx';
import { recordErpPosting } from '../../platform/metrics';
import { RefundFailed, RefundRequiresAction, RefundSubmitted, RefundSucceeded, type RefundEventHeader } from '../../contracts/events/refunds';
import type { CurrencyCode, RefundStatus } from '../../contracts/vocabulary';

/**
 * Allowed refund transitions, checked in one place. A FAILED refund goes back to PENDING only by
 * `retryRefund` (a new tender generation: the failed attempt moved no money). SUCCEEDED is final
 * except for one move: SUCCEEDED → FAILED when the provider reverses a paid refund (Adyen
 * `REFUND_FAILED` after `REFUND`, `REFUNDED_REVERSED`): the customer did not get the money after
 * all, RefundFailed is emitted and finance sees the exception. Only a `reversed` provider answer
 * can move a SUCCEEDED tender (`recordProviderAnswer`), so nothing else takes this path, and a late
 * success after the reversal cannot move it back.
 */
export const REFUND_TRANSITIONS: Readonly<Record<RefundStatus, readonly RefundStatus[]>> = {
  PENDING: ['SUBMITTED', 'REQUIRES_ACTION', 'SUCCEEDED', 'FAILED', 'CANCELED'],
  SUBMITTED: ['REQUIRES_ACTION', 'SUCCEEDED', 'FAILED'],
  REQUIRES_ACTION: ['SUBMITTED', 'SUCCEEDED', 'FAILED', 'CANCELED'],
  FAILED: ['PENDING'],
  SUCCEEDED: ['FAILED'],
  CANCELED: [],
};

/** The refund's status as its tenders say: any failure fails it; all paid is SUCCEEDED. */
export function statusFromTenders(tenders: readonly RefundStatus[]): RefundStatus {
  if (tenders.length === 0) return 'PENDING';
  if (tenders.includes('FAILED')) return 'FAILED';
  if (tenders.includes('REQUIRES_ACTION')) return 'REQUIRES_ACTION';
  if (tenders.every((status) => status === 'SUCCEEDED')) return 'SUCCEEDED';
  if (tenders.every((status) => status === 'SUCCEEDED' || status === 'SUBMITTED')) return 'SUBMITTED';
  return 'PENDING';
}

interface RefundRow {
  id: string;
  order_id: string;
  return_id: string | null;
  status: RefundStatus;
  amount_minor: number;
  /** One of the accepted currencies: refunds are only ever created in an order's currency. */
  currency: CurrencyCode;
  customer_id: string | null;
  partner_id: string | null;
  store_id: string | null;
  revision: number;
}

/**
 * Recomputes a refund's status from its tenders (inside the caller's transaction, holding the
 * refund's row lock). On a change: writes status and revision, appends the matching event, and —
 * when the refund SUCCEEDED — queues its credit memo in the same transaction, so a customer is told
 * "refunded" only once the provider accepted it and the ERP posting is at least queued.
 */
export async function refreshRefundStatus(tx: WriteTx, refundId: string, failureReason?: string | null): Promise<RefundStatus> {
  const refund = await lockRefundRow(tx, refundId);
  const { rows: tenders } = await tx.query<{ status: RefundStatus }>(`SELECT status FROM refunds.refund_tenders WHERE refund_id = $1`, [refundId]);
  const next = statusFromTenders(tenders.map((tender) => tender.status));
  if (next === refund.status) return next;
  if (!REFUND_TRANSITIONS[refund.status].includes(next)) {
    throw new Error(`refund ${refundId}: ${refund.status} -> ${next} is not an allowed transition`);
  }
  const { rows: updated } = await tx.query<{ revision: number }>(
    `UPDATE refunds.refunds SET status = $2, revision = revision + 1, updated_at = now(), failure_reason = $3 WHERE id = $1 RETURNING revision`,
    [refundId, next, next === 'FAILED' || next === 'REQUIRES_ACTION' ? (failureReason ?? 'provider refused the refund') : null],
  );
  const header: RefundEventHeader = {
    refundId,
    orderId: refund.order_id,
    returnId: refund.return_id,
    status: next,
    revision: updated[0]?.revision ?? refund.revision + 1,
    amountMinor: refund.amount_minor,
    currency: refund.currency,
    customerId: refund.customer_id,
    partnerId: refund.partner_id,
    storeId: refund.store_id,
  };
  await announce(tx, refund, header, failureReason);
  return next;
}

/** The refund's row, locked for the rest of the transaction. */
async function lockRefundRow(tx: Queryable, refundId: string): Promise<RefundRow> {
  const { rows } = await tx.query<RefundRow & Record<string, unknown>>(
    `SELECT id, order_id, return_id, status, amount_minor, currency, customer_id, partner_id, store_id, revision FROM refunds.refunds WHERE id = $1 FOR UPDATE`,
    [refundId],
  );
  const refund = rows[0];
  if (!refund) throw new Error(`refund ${refundId} does not exist`);
  return refund;
}

/**
 * Appends the event of the refund's new status (`header.status`). SUCCEEDED first queues the
 * credit memo, so the event and the memo are one fact: the refund is paid and about to be booked.
 */
async function announce(tx: WriteTx, refund: RefundRow, header: RefundEventHeader, failureReason?: string | null): Promise<void> {
  const refundId = refund.id;
  const next = header.status;
  if (next === 'SUCCEEDED') {
    const taxMinor = await queueCreditMemo(tx, refund);
    await tx.emit(RefundSucceeded, refundId, { ...header, taxMinor });
  } else if (next === 'SUBMITTED') {
    await tx.emit(RefundSubmitted, refundId, header);
  } else if (next === 'FAILED') {
    await tx.emit(RefundFailed, refundId, { ...header, reason: failureReason ?? 'provider refused the refund' });
  } else if (next === 'REQUIRES_ACTION') {
    await tx.emit(RefundRequiresAction, refundId, { ...header, reason: failureReason ?? 'the provider needs action' });
  }
}

/** Queues the credit memo of a paid refund (once) and returns the tax it books: the breakdown's tax, within the amount. */
async function queueCreditMemo(tx: Queryable, refund: RefundRow): Promise<number> {
  const refundId = refund.id;
  const { rows: tax } = await tx.query<{ tax: number }>(`SELECT coalesce(sum(tax_minor), 0)::int8 AS tax FROM refunds.refund_lines WHERE refund_id = $1`, [
    refundId,
  ]);
  const taxMinor = Math.min(Math.max(0, tax[0]?.tax ?? 0), refund.amount_minor);
  const queued = await tx.query(
    `INSERT INTO refunds.credit_memos (refund_id, status, amount_minor, tax_minor, currency) VALUES ($1, 'QUEUED', $2, $3, $4) ON CONFLICT (refund_id) DO NOTHING`,
    [refundId, refund.amount_minor, taxMinor, refund.currency],
  );
  if (queued.rowCount > 0) recordErpPosting('credit_memo', 'queued');
  return taxMinor;
}

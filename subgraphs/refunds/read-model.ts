import type { Queryable } from '../../platform/db';
import { scopeCondition, type ReadScope } from '../../platform/auth';

/** A refund row as stored, with its credit memo's columns when one exists. */
export interface RefundRow {
  id: string;
  order_id: string;
  return_id: string | null;
  status: string;
  amount_minor: number;
  currency: string;
  customer_id: string | null;
  partner_id: string | null;
  created_at: Date;
  updated_at: Date;
  memo_status: string | null;
  memo_amount_minor: number | null;
  memo_tax_minor: number | null;
  memo_erp_reference: string | null;
  memo_queued_at: Date | null;
  memo_posted_at: Date | null;
  memo_attempts: number | null;
  memo_last_error: string | null;
  memo_failure_reason: string | null;
  trigger: string;
  refund_method: string;
  reason: string | null;
  requested_by: string;
  approval_state: string;
  approved_by: string | null;
  overridden: boolean;
  failure_reason: string | null;
  revision: number;
}

/** A breakdown row as stored. */
export interface RefundLineRow {
  refund_id: string;
  kind: string;
  sku: string | null;
  quantity: number;
  order_line_id: string | null;
  merchandise_minor: number;
  discount_minor: number;
  tax_minor: number;
  restocking_fee_minor: number;
  total_minor: number;
}

/** A tender row as stored. */
export interface RefundTenderRow {
  refund_id: string;
  method: string;
  provider: string;
  amount_minor: number;
  status: string;
  provider_refund_id: string | null;
  attempts: number;
  last_error: string | null;
}

/** Breakdown rows of several refunds. */
export async function linesByRefundIds(db: Queryable, ids: readonly string[]): Promise<RefundLineRow[]> {
  const { rows } = await db.query<RefundLineRow & Record<string, unknown>>(
    `SELECT refund_id, kind, sku, quantity, order_line_id, merchandise_minor, discount_minor, tax_minor, restocking_fee_minor, total_minor
       FROM refunds.refund_lines WHERE refund_id = ANY($1) ORDER BY refund_id, position`,
    [ids],
  );
  return rows;
}

/** Tenders of several refunds. */
export async function tendersByRefundIds(db: Queryable, ids: readonly string[]): Promise<RefundTenderRow[]> {
  const { rows } = await db.query<RefundTenderRow & Record<string, unknown>>(
    `SELECT refund_id, method, provider, amount_minor, status, provider_refund_id, attempts, last_error
       FROM refunds.refund_tenders WHERE refund_id = ANY($1) ORDER BY refund_id, position`,
    [ids],
  );
  return rows;
}

const SELECT_REFUNDS = `
  SELECT r.id, r.order_id, r.return_id, r.status, r.amount_minor, r.currency, r.customer_id, r.partner_id,
         r.created_at, r.updated_at, m.status AS memo_status, m.amount_minor AS memo_amount_minor,
         m.tax_minor AS memo_tax_minor, m.erp_reference AS memo_erp_reference, m.queued_at AS memo_queued_at,
         m.posted_at AS memo_posted_at, m.attempts AS memo_attempts, m.last_error AS memo_last_error,
         m.failure_reason AS memo_failure_reason, r.trigger, r.refund_method, r.reason, r.requested_by, r.approval_state, r.approved_by, r.overridden,
         r.failure_reason, r.revision
    FROM refunds.refunds r LEFT JOIN refunds.credit_memos m ON m.refund_id = r.id`;

/** Refunds whose `column` is one of `values`, visible in `scope`, newest first. */
async function refundsWhere(db: Queryable, column: 'id' | 'order_id' | 'return_id', values: readonly string[], scope: ReadScope): Promise<RefundRow[]> {
  const scoped = scopeCondition(scope, 2, 'r');
  const { rows } = await db.query<RefundRow & Record<string, unknown>>(
    `${SELECT_REFUNDS} WHERE r.${column} = ANY($1) AND ${scoped.sql} ORDER BY r.created_at DESC, r.id DESC`,
    [values, ...scoped.params],
  );
  return rows;
}

/** Refunds by id. */
export const refundsByIds = (db: Queryable, ids: readonly string[], scope: ReadScope) => refundsWhere(db, 'id', ids, scope);
/** Refunds of several orders. */
export const refundsByOrderIds = (db: Queryable, ids: readonly string[], scope: ReadScope) => refundsWhere(db, 'order_id', ids, scope);
/** Refunds of several returns. */
export const refundsByReturnIds = (db: Queryable, ids: readonly string[], scope: ReadScope) => refundsWhere(db, 'return_id', ids, scope);

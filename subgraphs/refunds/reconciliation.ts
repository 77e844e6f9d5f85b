import type { Queryable } from '../../platform/db';
import { DEFAULT_RECONCILIATION_ROWS, MAX_RECONCILIATION_ROWS } from '../../contracts/query-limits';
import { MismatchCode, MismatchMessages } from './user-errors';

/** One disagreement between what was refunded and what was booked. */
export interface Mismatch {
  code: MismatchCode;
  refundId: string | null;
  message: string;
}

/** Captured vs refunded vs credited for an order, or for one return of it. */
export interface ReconciliationRow {
  orderId: string;
  returnId: string | null;
  currency: string;
  capturedMinor: number;
  /** What the commerce platform refunded of the captures itself (e.g. in Shopify's admin), outside the graph. */
  refundedOnPlatformMinor: number;
  refundedMinor: number;
  creditedMinor: number;
  mismatches: Mismatch[];
}

interface RefundFacts {
  order_id: string;
  return_id: string | null;
  refund_id: string;
  status: string;
  amount_minor: number;
  currency: string;
  memo_status: string | null;
  memo_amount_minor: number | null;
  captured_minor: number;
  refunded_on_platform_minor: number;
}

/**
 * Reconciles every order with refunds (or one order): per order and per return, captured vs
 * refunded (succeeded) vs credited (memos posted), listing a refund without a posted credit memo,
 * a memo whose refund did not succeed, amounts that differ, and refunds beyond the capture.
 */
export async function reconcile(
  db: Queryable,
  options: { orderId?: string | null; onlyMismatches?: boolean | null; limit?: number | null },
): Promise<ReconciliationRow[]> {
  const limit = Math.min(options.limit ?? DEFAULT_RECONCILIATION_ROWS, MAX_RECONCILIATION_ROWS);
  const { rows } = await db.query<RefundFacts & Record<string, unknown>>(
    `WITH orders AS (
       SELECT DISTINCT r.order_id FROM refunds.refunds r WHERE ($1::text IS NULL OR r.order_id = $1) ORDER BY r.order_id LIMIT $2
     )
     SELECT r.order_id, r.return_id, r.id AS refund_id, r.status, r.amount_minor, r.currency, m.status AS memo_status, m.amount_minor AS memo_amount_minor,
            coalesce((SELECT sum((p->>'capturedMinor')::int8) FROM refunds.order_snapshots o, jsonb_array_elements(o.payments) p WHERE o.order_id = r.order_id), 0)::int8 AS captured_minor,
            coalesce((SELECT sum(coalesce((p->>'refundedExternallyMinor')::int8, 0)) FROM refunds.order_snapshots o, jsonb_array_elements(o.payments) p WHERE o.order_id = r.order_id), 0)::int8
              AS refunded_on_platform_minor
       FROM refunds.refunds r JOIN orders USING (order_id) LEFT JOIN refunds.credit_memos m ON m.refund_id = r.id
      ORDER BY r.order_id, r.created_at`,
    [options.orderId ?? null, limit],
  );
  const result: ReconciliationRow[] = [];
  for (const orderId of [...new Set(rows.map((row) => row.order_id))]) {
    const ofOrder = rows.filter((row) => row.order_id === orderId);
    const total = summarise(orderId, null, ofOrder);
    // Money goes back once, whoever pays it: the graph's refunds and the platform's own together stay within the captures.
    const refunded = total.refundedMinor + total.refundedOnPlatformMinor;
    if (refunded > total.capturedMinor) {
      total.mismatches.push({
        code: MismatchCode.REFUNDED_MORE_THAN_CAPTURED,
        refundId: null,
        message: MismatchMessages.refundedMoreThanCaptured(refunded, total.capturedMinor),
      });
    }
    result.push(total);
    for (const returnId of [...new Set(ofOrder.map((row) => row.return_id).filter((id): id is string => id !== null))]) {
      result.push(
        summarise(
          orderId,
          returnId,
          ofOrder.filter((row) => row.return_id === returnId),
        ),
      );
    }
  }
  return options.onlyMismatches ? result.filter((row) => row.mismatches.length > 0) : result;
}

function summarise(orderId: string, returnId: string | null, facts: readonly RefundFacts[]): ReconciliationRow {
  let refundedMinor = 0;
  let creditedMinor = 0;
  for (const fact of facts) {
    if (fact.status === 'SUCCEEDED') refundedMinor += fact.amount_minor;
    if (fact.memo_status === 'POSTED') creditedMinor += fact.memo_amount_minor ?? 0;
  }
  const mismatches = facts.flatMap(factMismatches);
  const platform = returnId === null ? (facts[0]?.refunded_on_platform_minor ?? 0) : 0;
  return {
    orderId,
    returnId,
    currency: facts[0]?.currency ?? 'USD',
    capturedMinor: facts[0]?.captured_minor ?? 0,
    refundedOnPlatformMinor: platform,
    refundedMinor,
    creditedMinor,
    mismatches,
  };
}

/** Where one refund and its credit memo disagree: one paid without the other, or different amounts. */
function factMismatches(fact: RefundFacts): Mismatch[] {
  const mismatches: Mismatch[] = [];
  const succeeded = fact.status === 'SUCCEEDED';
  const posted = fact.memo_status === 'POSTED';
  if (succeeded && !posted) {
    mismatches.push({
      code: MismatchCode.REFUND_WITHOUT_CREDIT_MEMO,
      refundId: fact.refund_id,
      message: MismatchMessages.refundWithoutCreditMemo(fact.refund_id, fact.memo_status),
    });
  }
  if (posted && !succeeded) {
    mismatches.push({
      code: MismatchCode.CREDIT_MEMO_WITHOUT_REFUND,
      refundId: fact.refund_id,
      message: MismatchMessages.creditMemoWithoutRefund(fact.refund_id, fact.status),
    });
  }
  if (posted && fact.memo_amount_minor !== fact.amount_minor) {
    mismatches.push({
      code: MismatchCode.AMOUNT_DIFFERS,
      refundId: fact.refund_id,
      message: MismatchMessages.amountDiffers(fact.refund_id, fact.amount_minor, fact.memo_amount_minor),
    });
  }
  return mismatches;
}

import type { Queryable } from '../../platform/db';
import type { CurrencyCode } from '../../contracts/vocabulary';
import type { CalcOrder, CalcReturnLine, PriorRefunds } from './domain/calculate';

/** Refund statuses that hold money (or will): everything but a definitive failure or cancellation. */
export const LIVE_STATUSES = ['PENDING', 'SUBMITTED', 'REQUIRES_ACTION', 'SUCCEEDED'] as const;

/** The refunds subgraph's copy of an order, locked for the transaction. */
export interface OrderSnapshotRow {
  order_id: string;
  customer_id: string;
  partner_id: string | null;
  /** Validated by the `OrderRecorded` schema before the snapshot was stored. */
  currency: CurrencyCode;
  shipping_minor: number;
  shipping_tax_minor: number;
  total_minor: number;
  lines: { orderLineId: string; sku: string; quantity: number; unitPriceMinor: number; discountMinor: number; taxMinor: number }[];
  payments: CalcOrder['payments'];
}

/**
 * Locks the order's snapshot for the rest of the transaction: every refund of an order takes it
 * first, so two refunds can never together pay back more than was captured.
 */
export async function lockOrder(tx: Queryable, orderId: string): Promise<OrderSnapshotRow | null> {
  const { rows } = await tx.query<OrderSnapshotRow & Record<string, unknown>>(
    `SELECT order_id, customer_id, partner_id, currency, shipping_minor, shipping_tax_minor, total_minor, lines, payments
       FROM refunds.order_snapshots WHERE order_id = $1 FOR UPDATE`,
    [orderId],
  );
  return rows[0] ?? null;
}

/** The order in the shape the calculation takes. */
export function calcOrder(order: OrderSnapshotRow): CalcOrder {
  return {
    currency: order.currency,
    customerId: order.customer_id,
    lines: order.lines.map((line) => ({ ...line })),
    shippingMinor: order.shipping_minor,
    shippingTaxMinor: order.shipping_tax_minor,
    payments: order.payments,
  };
}

/** What live refunds of the order already took: units per line, money per payment, shipping. */
export async function priorRefunds(tx: Queryable, orderId: string): Promise<PriorRefunds> {
  const { rows: units } = await tx.query<{ order_line_id: string; quantity: number }>(
    `SELECT l.order_line_id, sum(l.quantity)::int8 AS quantity FROM refunds.refund_lines l JOIN refunds.refunds r ON r.id = l.refund_id
      WHERE r.order_id = $1 AND r.status = ANY($2) AND l.kind = 'LINE' GROUP BY l.order_line_id`,
    [orderId, LIVE_STATUSES],
  );
  const { rows: money } = await tx.query<{ payment_id: string | null; amount: number }>(
    `SELECT t.payment_id, sum(t.amount_minor)::int8 AS amount FROM refunds.refund_tenders t JOIN refunds.refunds r ON r.id = t.refund_id
      WHERE r.order_id = $1 AND r.status = ANY($2) AND t.status <> ALL('{FAILED,CANCELED}') GROUP BY t.payment_id`,
    [orderId, LIVE_STATUSES],
  );
  const { rowCount: shipping } = await tx.query(
    `SELECT 1 FROM refunds.refund_lines l JOIN refunds.refunds r ON r.id = l.refund_id WHERE r.order_id = $1 AND r.status = ANY($2) AND l.kind = 'SHIPPING' LIMIT 1`,
    [orderId, LIVE_STATUSES],
  );
  return {
    unitsByOrderLine: new Map(units.map((row) => [row.order_line_id, row.quantity])),
    byPayment: new Map(money.filter((row) => row.payment_id !== null).map((row) => [row.payment_id as string, row.amount])),
    unattributedMinor: money.filter((row) => row.payment_id === null).reduce((sum, row) => sum + row.amount, 0),
    shippingRefunded: shipping > 0,
  };
}

/** The refunds subgraph's copy of a return. */
export interface ReturnSnapshotRow {
  return_id: string;
  order_id: string;
  refund_method: string | null;
  fraud_outcome: string;
  value_minor: number;
  lines: { returnLineId: string; orderLineId: string; sku: string; quantity: number; reason: string; restockingFeeMinor: number }[];
}

/** A return as refunds knows it, or null when its ReturnAuthorized has not arrived. */
export async function returnSnapshot(db: Queryable, returnId: string): Promise<ReturnSnapshotRow | null> {
  const { rows } = await db.query<ReturnSnapshotRow & Record<string, unknown>>(
    `SELECT return_id, order_id, refund_method, fraud_outcome, value_minor, lines FROM refunds.return_snapshots WHERE return_id = $1`,
    [returnId],
  );
  return rows[0] ?? null;
}

/** The return's lines in the calculation's shape. */
export function calcReturnLines(ret: ReturnSnapshotRow): CalcReturnLine[] {
  return ret.lines.map((line) => ({
    returnLineId: line.returnLineId,
    orderLineId: line.orderLineId,
    quantity: line.quantity,
    reason: line.reason,
    restockingFeeMinor: line.restockingFeeMinor,
  }));
}

/**
 * What `requestedBy` has refunded by hand on the order and that still counts (pending, approved or
 * paid: every LIVE status). Read it under the order's lock (`lockOrder`): a concurrent manual
 * refund of the same order then has either committed, and is counted, or waits for our commit.
 */
export async function manualRefundedBy(tx: Queryable, orderId: string, requestedBy: string): Promise<number> {
  const { rows } = await tx.query<{ amount: number }>(
    `SELECT coalesce(sum(amount_minor), 0)::int8 AS amount FROM refunds.refunds
      WHERE order_id = $1 AND requested_by = $2 AND trigger = 'MANUAL' AND status = ANY($3)`,
    [orderId, requestedBy, LIVE_STATUSES],
  );
  return Number(rows[0]?.amount ?? 0);
}

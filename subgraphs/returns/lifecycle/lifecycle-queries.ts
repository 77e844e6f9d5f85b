import type { Queryable } from '../../../platform/db';
import type { Channel, ReturnStatus } from '../../../contracts/vocabulary';
import { OPEN_OR_DONE_STATUSES } from '../domain/status';
import type { OrderRecordedData } from '../../../contracts/events/orders';
import type { EligibilityOrder } from '../policy/eligibility';

/** An order as the returns subgraph keeps it (see consumers/order-snapshots.ts). */
export interface OrderSnapshot {
  order_id: string;
  number: string;
  channel: Channel;
  store_id: string | null;
  partner_id: string | null;
  customer_id: string;
  placed_at: Date;
  delivered_at: Date | null;
  cancelled_at: Date | null;
  currency: string;
  total_minor: number;
  lines: SnapshotLine[];
  payments: SnapshotPayment[];
}

/** The order as the return policy judges it (window, channel, tenders), from the returns subgraph's copy. */
export function eligibilityOrder(order: OrderSnapshot): EligibilityOrder {
  return {
    channel: order.channel,
    placedAt: new Date(order.placed_at),
    deliveredAt: order.delivered_at ? new Date(order.delivered_at) : null,
    cancelledAt: order.cancelled_at ? new Date(order.cancelled_at) : null,
    payments: order.payments,
  };
}

/** A line of the snapshot, stored as the `OrderRecorded` event carried it. */
export type SnapshotLine = OrderRecordedData['lines'][number];

/** A payment of the snapshot, stored as the `OrderRecorded` event carried it. */
export type SnapshotPayment = OrderRecordedData['payments'][number];

const SNAPSHOT_COLUMNS =
  'order_id, number, channel, store_id, partner_id, customer_id, placed_at, delivered_at, cancelled_at, currency, total_minor, lines, payments';

/** Snapshots of several orders (eligibility of many orders at once). */
export async function orderSnapshots(db: Queryable, orderIds: readonly string[]): Promise<OrderSnapshot[]> {
  const { rows } = await db.query<OrderSnapshot & Record<string, unknown>>(`SELECT ${SNAPSHOT_COLUMNS} FROM returns.order_snapshots WHERE order_id = ANY($1)`, [
    orderIds,
  ]);
  return rows;
}

/**
 * The order's snapshot, locked for the rest of the transaction. Every return on an order takes this
 * lock first, so returns racing for the same order line are serialised and can never together
 * exceed what was bought.
 */
export async function lockOrderSnapshot(tx: Queryable, orderId: string): Promise<OrderSnapshot | null> {
  const { rows } = await tx.query<OrderSnapshot & Record<string, unknown>>(
    `SELECT ${SNAPSHOT_COLUMNS} FROM returns.order_snapshots WHERE order_id = $1 FOR UPDATE`,
    [orderId],
  );
  return rows[0] ?? null;
}

/** Units per order line already returned or in an open return, across every channel. */
export async function returnedQuantities(db: Queryable, orderIds: readonly string[]): Promise<Map<string, number>> {
  const { rows } = await db.query<{ order_line_id: string; quantity: number }>(
    `SELECT l.order_line_id, sum(l.quantity)::int8 AS quantity
       FROM returns.return_lines l JOIN returns.returns r ON r.id = l.return_id
      WHERE r.order_id = ANY($1) AND r.status = ANY($2)
      GROUP BY l.order_line_id`,
    [orderIds, OPEN_OR_DONE_STATUSES],
  );
  return new Map(rows.map((row) => [row.order_line_id, row.quantity]));
}

/** A customer's return history and purchases, for fraud screening. */
export interface CustomerHistory {
  returnsIn30Days: number;
  returnsIn90Days: number;
  returnedValue90DaysMinor: number;
  purchasedValue90DaysMinor: number;
}

/** Counts a customer's returns (declined and canceled ones excluded) and purchases over the screening windows. */
export async function customerHistory(db: Queryable, customerId: string, now: Date): Promise<CustomerHistory> {
  const { rows } = await db.query<{ r30: number; r90: number; returned: number; purchased: number }>(
    `SELECT
       (SELECT count(*) FROM returns.returns WHERE customer_id = $1 AND status <> ALL($3) AND requested_at > $2::timestamptz - interval '30 days')::int8 AS r30,
       (SELECT count(*) FROM returns.returns WHERE customer_id = $1 AND status <> ALL($3) AND requested_at > $2::timestamptz - interval '90 days')::int8 AS r90,
       (SELECT coalesce(sum(value_minor), 0) FROM returns.returns WHERE customer_id = $1 AND status <> ALL($3) AND requested_at > $2::timestamptz - interval '90 days')::int8 AS returned,
       (SELECT coalesce(sum(total_minor), 0) FROM returns.order_snapshots WHERE customer_id = $1 AND placed_at > $2::timestamptz - interval '90 days')::int8 AS purchased`,
    [customerId, now, ['DECLINED', 'CANCELED']],
  );
  const row = rows[0];
  return {
    returnsIn30Days: row?.r30 ?? 0,
    returnsIn90Days: row?.r90 ?? 0,
    returnedValue90DaysMinor: row?.returned ?? 0,
    purchasedValue90DaysMinor: row?.purchased ?? 0,
  };
}

/** The writable columns of a new return. */
export interface NewReturn {
  id: string;
  orderId: string;
  status: ReturnStatus;
  channel: string;
  storeId: string | null;
  customerId: string | null;
  partnerId: string | null;
  policyVersion: number;
  destinationLocationId: string | null;
  refundMethod: string | null;
  fraudOutcome: string;
  fraudReasons: unknown[];
  approval: string;
  valueMinor: number;
  currency: string;
  receiptPresented: boolean;
  declineReason: string | null;
  note: string | null;
  createdBy: string;
}

/** A new return line. */
export interface NewReturnLine {
  id: string;
  orderLineId: string;
  sku: string;
  category: string;
  quantity: number;
  reason: string;
  customerNote: string | null;
  netValueMinor: number;
  restockingFeeMinor: number;
}

/** Inserts a return with its lines and an RMA number; returns the number. Revision starts at 1. */
export async function insertReturn(tx: Queryable, ret: NewReturn, lines: readonly NewReturnLine[]): Promise<string> {
  const { rows } = await tx.query<{ number: string }>(
    `INSERT INTO returns.returns (id, order_id, status, channel, store_id, customer_id, partner_id, policy_version, destination_location_id,
        refund_method, fraud_outcome, fraud_reasons, approval, value_minor, currency, receipt_presented, decline_reason, note, created_by,
        number, revision)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19,
        'RMA-' || nextval('returns.rma_number_seq'), 1)
     RETURNING number`,
    [
      ret.id,
      ret.orderId,
      ret.status,
      ret.channel,
      ret.storeId,
      ret.customerId,
      ret.partnerId,
      ret.policyVersion,
      ret.destinationLocationId,
      ret.refundMethod,
      ret.fraudOutcome,
      JSON.stringify(ret.fraudReasons),
      ret.approval,
      ret.valueMinor,
      ret.currency,
      ret.receiptPresented,
      ret.declineReason,
      ret.note,
      ret.createdBy,
    ],
  );
  for (const [position, line] of lines.entries()) {
    await tx.query(
      `INSERT INTO returns.return_lines (id, return_id, order_line_id, sku, category, quantity, reason, customer_note, net_value_minor, restocking_fee_minor, position)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        line.id,
        ret.id,
        line.orderLineId,
        line.sku,
        line.category,
        line.quantity,
        line.reason,
        line.customerNote,
        line.netValueMinor,
        line.restockingFeeMinor,
        position,
      ],
    );
  }
  return rows[0]?.number as string;
}

/** A return as the write side needs it. */
export interface ReturnForUpdate {
  id: string;
  number: string;
  order_id: string;
  status: ReturnStatus;
  channel: string;
  store_id: string | null;
  customer_id: string | null;
  partner_id: string | null;
  destination_location_id: string | null;
  refund_method: string | null;
  value_minor: number;
  currency: string;
  approval: string | null;
  fraud_outcome: string | null;
  financial_status: string;
  revision: number;
}

/** A return, locked for the rest of the transaction (every change to it takes this lock first). */
export async function lockReturn(tx: Queryable, returnId: string): Promise<ReturnForUpdate | null> {
  const { rows } = await tx.query<ReturnForUpdate & Record<string, unknown>>(
    `SELECT id, number, order_id, status, channel, store_id, customer_id, partner_id, destination_location_id, refund_method, value_minor,
            currency, approval, fraud_outcome, financial_status, revision
       FROM returns.returns WHERE id = $1 FOR UPDATE`,
    [returnId],
  );
  return rows[0] ?? null;
}

/** A return line with what has happened to its units. */
export interface LineState {
  id: string;
  order_line_id: string;
  sku: string;
  quantity: number;
  received_quantity: number;
  dispositioned_quantity: number;
}

/** The lines of a return with received and inspected units. */
export async function lineStates(db: Queryable, returnId: string): Promise<LineState[]> {
  const { rows } = await db.query<LineState & Record<string, unknown>>(
    `SELECT l.id, l.order_line_id, l.sku, l.quantity, l.received_quantity,
            coalesce((SELECT sum(d.quantity) FROM returns.return_line_dispositions d WHERE d.return_line_id = l.id), 0)::int8 AS dispositioned_quantity
       FROM returns.return_lines l WHERE l.return_id = $1 ORDER BY l.position, l.id`,
    [returnId],
  );
  return rows;
}

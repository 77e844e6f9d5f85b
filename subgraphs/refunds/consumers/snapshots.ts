import type { Queryable } from '../../../platform/db';
import type { ConsumerDefinition } from '../../../platform/events/consumer';
import { on } from '../../../platform/events/handlers';
import { OrderRecorded, type OrderRecordedData } from '../../../contracts/events/orders';
import type { EventData } from '../../../platform/events/catalog';
import { ReturnAuthorized } from '../../../contracts/events/returns';

/**
 * Keeps the refunds subgraph's own copies of orders (lines, shipping, captured payments) and of
 * authorized returns (lines, fees, fraud outcome, refund method), from events: a refund is
 * calculated from them without calling another subgraph.
 */
export const refundSnapshotsConsumer: ConsumerDefinition = {
  name: 'refunds.snapshots',
  schema: 'refunds',
  handlers: [
    on(OrderRecorded, (tx, order, event) => orderRecorded(tx, order, event.occurredAt)),
    on(ReturnAuthorized, (tx, ret, event) => returnAuthorized(tx, ret, event.occurredAt)),
  ],
};

async function orderRecorded(tx: Queryable, order: OrderRecordedData, at: string): Promise<void> {
  await tx.query(
    `INSERT INTO refunds.order_snapshots (order_id, number, channel, customer_id, partner_id, currency, shipping_minor, shipping_tax_minor, total_minor, lines, payments, last_event_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     ON CONFLICT (order_id) DO UPDATE SET payments = EXCLUDED.payments, last_event_at = EXCLUDED.last_event_at
     WHERE refunds.order_snapshots.last_event_at <= EXCLUDED.last_event_at`,
    [
      order.orderId,
      order.number,
      order.channel,
      order.customerId,
      order.marketplacePartnerId,
      order.currency,
      order.shippingMinor,
      order.shippingTaxMinor,
      order.totalMinor,
      JSON.stringify(order.lines),
      JSON.stringify(order.payments),
      at,
    ],
  );
}

async function returnAuthorized(tx: Queryable, ret: EventData<typeof ReturnAuthorized>, at: string): Promise<void> {
  const { rowCount } = await tx.query(`SELECT 1 FROM refunds.order_snapshots WHERE order_id = $1`, [ret.orderId]);
  // Orders are announced before their returns can exist; if not here yet, fail and retry shortly.
  if (rowCount === 0) throw new Error(`order ${ret.orderId} of return ${ret.returnId} is not known to refunds yet`);
  await tx.query(
    `INSERT INTO refunds.return_snapshots (return_id, order_id, channel, store_id, refund_method, fraud_outcome, value_minor, lines, authorized_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (return_id) DO NOTHING`,
    [ret.returnId, ret.orderId, ret.channel, ret.storeId, ret.refundMethod, ret.fraudOutcome, ret.valueMinor, JSON.stringify(ret.lines), at],
  );
}

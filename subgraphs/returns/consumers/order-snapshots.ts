import type { Queryable } from '../../../platform/db';
import type { ConsumerDefinition } from '../../../platform/events/consumer';
import type { EventEnvelope } from '../../../platform/events/envelope';
import { on } from '../../../platform/events/handlers';
import { OrderRecorded, type OrderRecordedData } from '../../../contracts/events/orders';

/**
 * Keeps `returns.order_snapshots` in step with the orders subgraph from `OrderRecorded` events.
 * Idempotent by the inbox; an event older than the snapshot (a republish after a bus loss) does
 * not overwrite newer facts.
 */
export const orderSnapshotsConsumer: ConsumerDefinition = {
  name: 'returns.order-snapshots',
  schema: 'returns',
  handlers: [on(OrderRecorded, snapshot)],
};

/** Inserts or refreshes the order's snapshot, unless the snapshot already holds newer facts. */
async function snapshot(tx: Queryable, order: OrderRecordedData, event: EventEnvelope): Promise<void> {
  await tx.query(
    `INSERT INTO returns.order_snapshots
       (order_id, number, channel, store_id, partner_id, customer_id, placed_at, delivered_at, currency, total_minor, lines, payments, last_event_id, last_event_at,
        source, external_id, cancelled_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
     ON CONFLICT (order_id) DO UPDATE SET
       delivered_at = EXCLUDED.delivered_at, cancelled_at = EXCLUDED.cancelled_at, payments = EXCLUDED.payments, lines = EXCLUDED.lines,
       source = coalesce(EXCLUDED.source, returns.order_snapshots.source), external_id = coalesce(EXCLUDED.external_id, returns.order_snapshots.external_id),
       last_event_id = EXCLUDED.last_event_id, last_event_at = EXCLUDED.last_event_at, updated_at = now()
     WHERE returns.order_snapshots.last_event_at <= EXCLUDED.last_event_at`,
    [
      order.orderId,
      order.number,
      order.channel,
      order.storeId,
      order.marketplacePartnerId,
      order.customerId,
      order.placedAt,
      order.deliveredAt,
      order.currency,
      order.totalMinor,
      // JSON text: node-postgres would send a JS array as a PostgreSQL array, not JSON.
      JSON.stringify(order.lines),
      JSON.stringify(order.payments),
      event.id,
      event.occurredAt,
      order.source ?? null,
      order.externalId ?? null,
      order.cancelledAt ?? null,
    ],
  );
}

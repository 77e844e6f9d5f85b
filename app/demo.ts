import type { Db } from '../platform/db';
import { writeTransaction } from '../platform/write-path/write-tx';
import { DEMO_LOCATIONS } from '../demo/catalog';
import { DEMO_SOURCE, seedDemoOrders } from '../demo/orders';
import { seedDemoInventory } from '../demo/inventory';
import { upsertLocations } from '../subgraphs/inventory/locations';
import { OrdersStore } from '../subgraphs/orders/store';
import { OrderRecorded } from '../contracts/events/orders';
import { orderRecordedData } from '../subgraphs/orders/domain/order-recorded';

/** Demo orders announced per transaction: bounds each transaction on PGlite's single session. */
const ANNOUNCE_BATCH = 200;

/**
 * Loads the demo retailer: its stores and warehouse (as the ERP would sync them to inventory) and
 * their opening stock, and about 1,000 orders (as the commerce platform would send them). The orders are announced with
 * `OrderRecorded` events through the orders outbox, as live orders are, so every subgraph that keeps
 * its own view of orders (returns' snapshots) builds it the same way. Idempotent: a second run adds
 * nothing.
 */
export async function seedDemo(db: Db): Promise<void> {
  await seedDemoLocations(db);
  await seedDemoInventory(db);
  const inserted = await seedDemoOrders(db);
  if (inserted > 0) await announceDemoOrders(db);
}

/**
 * Only the demo retailer's stores and warehouse, as the ERP would sync them to inventory: enough for
 * returns to be taken and received at them, without demo orders or stock. Idempotent.
 */
export async function seedDemoLocations(db: Db): Promise<void> {
  await upsertLocations(db, DEMO_LOCATIONS);
}

async function announceDemoOrders(db: Db): Promise<void> {
  const { rows } = await db.query<{ id: string }>(`SELECT id FROM orders.orders WHERE source = $1 ORDER BY placed_at, id`, [DEMO_SOURCE]);
  for (let start = 0; start < rows.length; start += ANNOUNCE_BATCH) {
    const ids = rows.slice(start, start + ANNOUNCE_BATCH).map((row) => row.id);
    await writeTransaction(db, 'orders', async (tx) => {
      const store = new OrdersStore(tx);
      const [orders, lines, payments] = [await store.findOrders(ids), await store.findLinesOfOrders(ids), await store.findPaymentsOfOrders(ids)];
      for (const order of orders) {
        const data = orderRecordedData(
          order,
          lines.filter((line) => line.orderId === order.id),
          payments.filter((payment) => payment.orderId === order.id),
          true,
        );
        await tx.emit(OrderRecorded, order.id, data);
      }
    });
  }
}

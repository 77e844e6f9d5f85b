import type { WriteTx } from '../../platform/write-path/write-tx';
import { OrderRecorded } from '../../contracts/events/orders';
import type { OrderRecord } from './domain/order-records';
import { orderRecordedData } from './domain/order-recorded';
import { OrdersStore } from './store';

/** Emits `OrderRecorded` for an order as it now stands (lines and payments read in `tx`): every write of an order ends here. */
export async function emitOrderRecorded(tx: WriteTx, order: OrderRecord, created: boolean): Promise<void> {
  const store = new OrdersStore(tx);
  const [lines, payments] = [await store.findLinesOfOrders([order.id]), await store.findPaymentsOfOrders([order.id])];
  await tx.emit(OrderRecorded, order.id, orderRecordedData(order, lines, payments, created));
}

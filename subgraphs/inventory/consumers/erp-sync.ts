import type { ConsumerDefinition } from '../../../platform/events/consumer';
import { on } from '../../../platform/events/handlers';
import { InventoryMoved } from '../../../contracts/events/inventory';
import { recordMovements } from '../erp-posting/posting-queue';

/**
 * Records every `InventoryMoved` event's movements for posting to the ERP, in the consumer's
 * transaction (so exactly once, through the inbox). The ERP is not called here: the posting worker
 * (`erp-posting/stock-movement-poster.ts`) drains the queue in order, so an ERP outage queues
 * movements instead of dead-lettering them.
 */
export function erpSyncConsumer(): ConsumerDefinition {
  return {
    name: 'inventory.erp-sync',
    schema: 'inventory',
    handlers: [
      on(InventoryMoved, async (tx, data, event) => {
        await recordMovements(
          tx,
          event.id,
          event.correlationId,
          data.movements.map((m) => ({
            movementId: m.movementId,
            sku: m.sku,
            locationId: data.locationId,
            fromState: m.fromState,
            toState: m.toState,
            quantity: m.quantity,
            reason: data.reason,
            occurredAt: m.occurredAt,
            returnId: data.returnId ?? null,
          })),
        );
      }),
    ],
  };
}

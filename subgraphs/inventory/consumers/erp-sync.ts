import type { ConsumerDefinition } from '../../../platform/events/consumer';
import { on } from '../../../platform/events/handlers';
import type { ErpConnector } from '../../../connectors/erp/port';
import { InventoryMoved } from '../../../contracts/events/inventory';

/**
 * Posts every stock movement to the ERP, asynchronously, from `InventoryMoved` events. The ERP call
 * is an `effect`, made before our inbox transaction (it is another system); it is idempotent by
 * movement id, so the redelivery after a crash between the call and our inbox commit books
 * nothing twice.
 */
export function erpSyncConsumer(erp: ErpConnector): ConsumerDefinition {
  return {
    name: 'inventory.erp-sync',
    schema: 'inventory',
    handlers: [
      on(InventoryMoved, {
        effect: (data) =>
          erp.postStockMovements(
            data.movements.map((m) => ({
              movementId: m.movementId,
              sku: m.sku,
              locationId: data.locationId,
              fromState: m.fromState,
              toState: m.toState,
              quantity: m.quantity,
              reason: data.reason,
              occurredAt: m.occurredAt,
            })),
          ),
        // Nothing of ours changes: the inbox row alone records that the movements were posted.
        handle: async () => undefined,
      }),
    ],
  };
}

import type { Queryable } from '../../../platform/db';
import type { ErpConnector, ErpStockMovement } from '../port';

/**
 * The reference ERP: the embedded default's system of record, kept in its own `erp` schema. It
 * behaves as a real ERP integration must be treated: a separate system reached through the port,
 * idempotent by our ids.
 */
export class ReferenceErp implements ErpConnector {
  constructor(private readonly db: Queryable) {}

  async postStockMovements(movements: readonly ErpStockMovement[]): Promise<number> {
    let booked = 0;
    for (const m of movements) {
      const { rowCount } = await this.db.query(
        `INSERT INTO erp.stock_movements (movement_id, sku, location_id, from_state, to_state, quantity, reason, occurred_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (movement_id) DO NOTHING`,
        [m.movementId, m.sku, m.locationId, m.fromState, m.toState, m.quantity, m.reason, m.occurredAt],
      );
      booked += rowCount;
    }
    return booked;
  }
}

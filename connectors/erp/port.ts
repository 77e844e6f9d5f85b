/**
 * The ERP connector port: how Returns Graph tells the system of record for money and stock what
 * happened. Every call is idempotent by our own row id, so a retry after a crash books nothing twice.
 * Implementations: the reference ERP (`reference/`, the embedded default, in its own schema);
 * a NetSuite connector would implement the same port (not built yet).
 */

/** One stock movement as the ERP books it. */
export interface ErpStockMovement {
  /** Our movement id (`mov_...`): the ERP's idempotency key. */
  movementId: string;
  sku: string;
  locationId: string;
  fromState: string | null;
  toState: string | null;
  quantity: number;
  reason: string;
  occurredAt: string;
}

/** The ERP, as the inventory and refunds subgraphs use it. */
export interface ErpConnector {
  /** Books stock movements; a movement already booked is skipped. Returns how many were new. */
  postStockMovements(movements: readonly ErpStockMovement[]): Promise<number>;
}

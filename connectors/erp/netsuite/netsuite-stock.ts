/**
 * Stock movements in NetSuite. NetSuite keeps one number per item and location, what is on hand;
 * our ledger keeps states. So a movement is a NetSuite posting only when it changes what is
 * physically on hand:
 *
 * - units arriving (from nothing or from INCOMING into a physical state) for a return NetSuite
 *   authorized → an item receipt transformed from the return authorization; arriving otherwise
 *   (no return, or a return NetSuite has no authorization for) → an inventory adjustment of +n;
 * - units leaving (a physical state → nothing: SCRAP, shipped to the vendor, written off, lost)
 *   → an inventory adjustment of −n;
 * - everything else (INCOMING expected or cancelled; PENDING_INSPECTION → SELLABLE, DAMAGED,
 *   REFURBISH, VENDOR_RETURN; RESERVED) moves units between our states, not in or out of the
 *   building: NetSuite has nothing to book. Such a movement succeeds (so the consumer records it as
 *   done) but is not counted as new, since nothing new was booked.
 *
 * Each posting's external id is our movement id: asked for first, refused by NetSuite if created twice.
 */
import { ErpRefusedError, type ErpStockMovement } from '../port';
import type { NetSuiteClient } from './netsuite-client';
import type { NetSuiteLookups } from './netsuite-lookups';
import type { NetSuiteErpOptions } from './netsuite-options';

/** Our states that are not physically in the building (expected units). Every other state is on hand. */
const NOT_ON_HAND: ReadonlySet<string | null> = new Set([null, 'INCOMING']);

/** +n when the movement brings units on hand, −n when it takes them away, 0 when it does neither. */
export function onHandChange(movement: ErpStockMovement): number {
  const before = NOT_ON_HAND.has(movement.fromState) ? 0 : movement.quantity;
  const after = NOT_ON_HAND.has(movement.toState) ? 0 : movement.quantity;
  return after - before;
}

/** Posts stock movements, one at a time in the order given (NetSuite applies them in that order). */
export class NetSuiteStock {
  constructor(
    private readonly client: NetSuiteClient,
    private readonly lookups: NetSuiteLookups,
    private readonly options: NetSuiteErpOptions,
  ) {}

  async post(movements: readonly ErpStockMovement[]): Promise<number> {
    let fresh = 0;
    for (const movement of movements) if (await this.postOne(movement)) fresh += 1;
    return fresh;
  }

  private async postOne(movement: ErpStockMovement): Promise<boolean> {
    if (!/^[\w-]{1,100}$/.test(movement.movementId) || !Number.isSafeInteger(movement.quantity) || movement.quantity <= 0)
      throw new ErpRefusedError(`movement ${movement.movementId} is malformed (id of letters, digits, _ and -; quantity > 0)`, 'INVALID_MOVEMENT');
    const change = onHandChange(movement);
    if (change === 0) return false;
    if (change > 0 && movement.returnId) {
      const authorization = await this.client.getRecord<{ id: string }>('returnAuthorization', `eid:${movement.returnId}`);
      if (authorization) return this.receipt(movement, authorization.id);
    }
    return this.adjustment(movement, change);
  }

  private async receipt(movement: ErpStockMovement, authorizationId: string): Promise<boolean> {
    if (await this.client.getRecord('itemReceipt', `eid:${movement.movementId}`)) return false;
    const items = await this.lookups.itemIds([movement.sku]);
    const created = await this.client.create('POST', `returnAuthorization/${authorizationId}/!transform/itemReceipt`, {
      externalId: movement.movementId,
      tranDate: movement.occurredAt.slice(0, 10),
      memo: `Returns Graph ${movement.reason} ${movement.movementId}`,
      item: {
        items: [
          { item: { id: items.get(movement.sku) }, quantity: movement.quantity, location: this.lookups.location(movement.locationId), itemReceive: true },
        ],
      },
    });
    return created.kind === 'created';
  }

  private async adjustment(movement: ErpStockMovement, change: number): Promise<boolean> {
    if (await this.client.getRecord('inventoryAdjustment', `eid:${movement.movementId}`)) return false;
    const items = await this.lookups.itemIds([movement.sku]);
    const location = this.lookups.location(movement.locationId);
    const created = await this.client.create('POST', 'inventoryAdjustment', {
      externalId: movement.movementId,
      account: { id: this.options.adjustmentAccountId },
      ...(this.options.subsidiaryId ? { subsidiary: { id: this.options.subsidiaryId } } : {}),
      adjLocation: location,
      tranDate: movement.occurredAt.slice(0, 10),
      memo: `Returns Graph ${movement.reason} ${movement.movementId}`,
      inventory: { items: [{ item: { id: items.get(movement.sku) }, location, adjustQtyBy: change }] },
    });
    return created.kind === 'created';
  }
}

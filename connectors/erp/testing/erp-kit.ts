import { newId } from '../../../platform/ids';
import type { ErpCreditMemo } from '../port';

/**
 * A valid credit memo for tests: two lines (one with tax), shipping, a restocking fee, paid back
 * to the original payment. Σ net 5 000 + tax 400 + shipping 500 + shipping tax 40 − fee 300 = 5 640.
 * `overrides` replace fields wholesale; keep the parts adding up or expect a refusal.
 */
export function testCreditMemo(overrides: Partial<ErpCreditMemo> = {}): ErpCreditMemo {
  return {
    refundId: newId('refund'),
    orderId: newId('order'),
    returnId: newId('return'),
    currency: 'USD',
    lines: [
      { sku: 'SKU-TEE-M', description: 'T-shirt, M', netMinor: 2_000, taxMinor: 160 },
      { sku: 'SKU-JEANS-32', description: 'Jeans, 32', netMinor: 3_000, taxMinor: 240 },
    ],
    shippingMinor: 500,
    shippingTaxMinor: 40,
    restockingFeeMinor: 300,
    totalMinor: 5_640,
    tenders: [{ method: 'ORIGINAL_PAYMENT', amountMinor: 5_640 }],
    occurredAt: '2025-03-01T10:00:00.000Z',
    ...overrides,
  };
}

/** A stock movement for tests, unique by its new movement id. */
export function testStockMovement(sku = 'SKU-TEE-M') {
  return {
    movementId: newId('movement'),
    sku,
    locationId: 'loc_store_1',
    fromState: 'INCOMING',
    toState: 'PENDING_INSPECTION',
    quantity: 1,
    reason: 'RETURN_RECEIVED',
    occurredAt: '2025-03-01T10:00:00.000Z',
  };
}

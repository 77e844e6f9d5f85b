import type { X12Transaction } from 'node-x12';
import { lineError, WarehouseErrorCode } from '../errors';
import { byArrayPosition } from '../read-message';
import { element, isoDate, quantity } from './x12-segments';
import { readSetContent, type X12Read } from './x12-transaction';

/**
 * 944 Warehouse Stock Transfer Receipt Advice → a receipt. W17: W17-02 date, W17-03 warehouse
 * receipt number (the message id), W17-04 depositor order number (our return id; else the
 * heading's N9*RZ). N1*WH: N1-04 our location id. Each W07 is a line (its ordinal is the line
 * number), with an optional N9*LI return line id after it. W14-01, when sent, must equal the sum
 * of the W07 quantities.
 */
export function readReceipt944(transaction: X12Transaction, warehouseId: string): X12Read {
  const content = readSetContent(transaction, '944', 'W17', 'W07');
  const errors = content.errors;
  if (!content.head) errors.push(lineError(null, null, WarehouseErrorCode.MISSING_SEGMENT, 'A 944 needs its W17 segment.'));
  if (!content.locationId) errors.push(lineError(null, null, WarehouseErrorCode.MISSING_SEGMENT, 'A 944 needs N1*WH naming the location in N1-04.'));
  const total = content.extra.get('W14');
  const sum = content.items.reduce((acc, item) => acc + (typeof item.quantity === 'number' ? item.quantity : 0), 0);
  if (total && quantity(element(total, 1)) !== sum) {
    errors.push(lineError(null, null, WarehouseErrorCode.TOTAL_MISMATCH, `W14-01 does not equal the sum of the W07 quantities (${sum}).`));
  }
  const candidate = {
    messageId: element(content.head, 3),
    warehouseId,
    type: 'receipt',
    returnId: element(content.head, 4) ?? content.returnReference,
    locationId: content.locationId,
    occurredAt: isoDate(element(content.head, 2)),
    lines: content.items.map((item) => ({ returnLineId: item.returnLineId, sku: item.sku, quantity: item.quantity })),
  };
  return { candidate, locate: byArrayPosition, errors };
}

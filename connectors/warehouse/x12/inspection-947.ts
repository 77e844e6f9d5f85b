import type { X12Transaction } from 'node-x12';
import { lineError, WarehouseErrorCode } from '../errors';
import type { Locate } from '../read-message';
import { REASON_TO_DISPOSITION } from './x12-codes';
import { element, isoDate } from './x12-segments';
import { readSetContent, type X12Item, type X12Read } from './x12-transaction';

/**
 * 947 Warehouse Inventory Adjustment Advice → an inspection. W15: W15-01 date, W15-02 warehouse
 * adjustment number (the message id). N9*RZ in the heading: our return id. N1*WH: N1-04 our
 * location id. Each W19 is one disposition of units: W19-01 reason code → disposition
 * (`REASON_TO_DISPOSITION`), W19-02 quantity; consecutive or not, W19s of the same return line
 * (N9*LI after it) or SKU form one line, numbered by its first W19.
 */
export function readInspection947(transaction: X12Transaction, warehouseId: string): X12Read {
  const content = readSetContent(transaction, '947', 'W15', 'W19');
  const errors = content.errors;
  if (!content.head) errors.push(lineError(null, null, WarehouseErrorCode.MISSING_SEGMENT, 'A 947 needs its W15 segment.'));
  if (!content.locationId) errors.push(lineError(null, null, WarehouseErrorCode.MISSING_SEGMENT, 'A 947 needs N1*WH naming the location in N1-04.'));
  if (!content.returnReference) errors.push(lineError(null, null, WarehouseErrorCode.MISSING_SEGMENT, 'A 947 needs N9*RZ naming the return.'));
  const groups = groupItems(content.items);
  for (const item of content.items) {
    const reason = element(item.segment, 1);
    if (!reason || !REASON_TO_DISPOSITION[reason]) {
      errors.push(
        lineError(null, item.ordinal, WarehouseErrorCode.UNSUPPORTED_REASON_CODE, `W19 #${item.ordinal}: reason code (W19-01) has no disposition mapping.`),
      );
    }
  }
  const candidate = {
    messageId: element(content.head, 2),
    warehouseId,
    type: 'inspection',
    returnId: content.returnReference,
    locationId: content.locationId,
    occurredAt: isoDate(element(content.head, 1)),
    lines: groups.map((items) => ({
      returnLineId: items[0]?.returnLineId,
      sku: items[0]?.sku,
      dispositions: items.map((item) => ({ disposition: REASON_TO_DISPOSITION[element(item.segment, 1) ?? ''], quantity: item.quantity })),
    })),
  };
  const locate: Locate = (path) => {
    if (path[0] !== 'lines' || typeof path[1] !== 'number') return null;
    const items = groups[path[1]];
    const at = path[2] === 'dispositions' && typeof path[3] === 'number' ? items?.[path[3]] : items?.[0];
    return at?.ordinal ?? null;
  };
  return { candidate, locate, errors };
}

/** W19s grouped by return line and SKU, in order of first appearance. */
function groupItems(items: readonly X12Item[]): X12Item[][] {
  const groups = new Map<string, X12Item[]>();
  for (const item of items) {
    const key = `${item.returnLineId ?? ''}\u0000${item.sku ?? ''}`;
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  return [...groups.values()];
}

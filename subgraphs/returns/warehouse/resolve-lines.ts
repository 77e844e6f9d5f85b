import type { Queryable } from '../../../platform/db';
import type { WarehouseMessage } from '../../../connectors/warehouse/port';
import type { ReceiveInput } from '../lifecycle/receive';
import type { InspectionInput } from '../lifecycle/inspect';
import { ReturnMessages } from '../lifecycle/user-errors';
import { WarehouseApplyCode, WarehouseApplyMessages, type WarehouseMessageError } from './outcome';

/** A message turned into the lifecycle step's input, its lines in the message's order. */
export type ResolvedMessage = { ok: true; input: ReceiveInput | InspectionInput } | { ok: false; errors: WarehouseMessageError[] };

/**
 * Names each line's return line: the one given (its SKU, when also given, must match), or the
 * only line of the return with the SKU given. The lifecycle step then checks quantities, states
 * and locations exactly as for `receiveReturnItems` / `recordInspection`.
 */
export async function resolveLines(db: Queryable, message: WarehouseMessage): Promise<ResolvedMessage> {
  const { rows } = await db.query<{ id: string | null; sku: string | null }>(
    `SELECT l.id, l.sku FROM returns.returns r LEFT JOIN returns.return_lines l ON l.return_id = r.id WHERE r.id = $1`,
    [message.returnId],
  );
  if (rows.length === 0)
    return { ok: false, errors: [{ lineNumber: null, code: WarehouseApplyCode.RETURN_NOT_FOUND, message: ReturnMessages.returnNotFound(message.returnId) }] };
  const errors: WarehouseMessageError[] = [];
  const ids = message.lines.map((line) => {
    const named = rows.filter((row) => (line.returnLineId ? row.id === line.returnLineId : row.sku === line.sku));
    const error = (code: string, text: string) => errors.push({ lineNumber: line.lineNumber, code, message: text });
    if (line.returnLineId) {
      // An unknown return line is the lifecycle's to refuse (RETURN_LINE_NOT_FOUND), like the mutation does.
      if (line.sku && named[0] && named[0].sku !== line.sku) error(WarehouseApplyCode.SKU_MISMATCH, WarehouseApplyMessages.skuMismatch);
      return line.returnLineId;
    }
    if (named.length === 0) error(WarehouseApplyCode.UNKNOWN_SKU, WarehouseApplyMessages.unknownSku);
    if (named.length > 1) error(WarehouseApplyCode.AMBIGUOUS_SKU, WarehouseApplyMessages.ambiguousSku);
    return named[0]?.id ?? '';
  });
  if (errors.length > 0) return { ok: false, errors };
  const head = { returnId: message.returnId, locationId: message.locationId };
  if (message.kind === 'receipt') {
    return { ok: true, input: { ...head, lines: message.lines.map((line, i) => ({ returnLineId: ids[i] as string, quantity: line.quantity })) } };
  }
  return { ok: true, input: { ...head, lines: message.lines.map((line, i) => ({ returnLineId: ids[i] as string, dispositions: line.dispositions })) } };
}

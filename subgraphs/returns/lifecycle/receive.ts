import type { WriteTx } from '../../../platform/write-path/write-tx';
import type { Principal } from '../../../platform/auth';
import { ReturnItemsReceived } from '../../../contracts/events/returns';
import { mayActOn } from './access';
import { applyTransition, bumpRevision } from './transitions';
import { lineStates, lockReturn } from './lifecycle-queries';
import { changed, refused, type ReturnPayload } from './payload';
import { ReturnErrorCode, ReturnMessages, userError, type UserError } from './user-errors';
import { unknownLocation } from './locations';

/** Input of `receiveReturnItems`. */
export interface ReceiveInput {
  returnId: string;
  locationId: string;
  lines: { returnLineId: string; quantity: number; unopened?: boolean | null }[];
}

/**
 * `receiveReturnItems`: units arrive at a location (a store counter or a warehouse dock), per line;
 * partial receipts are fine. Received units are pending inspection — never sellable on receipt.
 */
export async function receiveReturnItems(tx: WriteTx, principal: Principal, input: ReceiveInput): Promise<ReturnPayload> {
  const ret = await lockReturn(tx, input.returnId);
  if (!ret || !mayActOn(principal, 'receiveReturnItems', ret, [input.locationId]))
    return refused(userError(ReturnErrorCode.RETURN_NOT_FOUND, ['input', 'returnId'], ReturnMessages.returnNotFound(input.returnId)));
  if (!['AUTHORIZED', 'IN_TRANSIT', 'PARTIALLY_RECEIVED'].includes(ret.status)) {
    return refused(userError(ReturnErrorCode.INVALID_TRANSITION, ['input', 'returnId'], ReturnMessages.invalidTransition(ret.status, 'received')));
  }
  // Inventory books the units at this location; one it does not know would dead-letter the receipt.
  const unknown = await unknownLocation(tx, input.locationId, ['input', 'locationId']);
  if (unknown) return refused(unknown);
  const lines = await lineStates(tx, ret.id);
  const errors = validateReceipt(input, lines);
  if (errors.length > 0) return { returnId: null, userErrors: errors };

  for (const line of input.lines) {
    await tx.query(`UPDATE returns.return_lines SET received_quantity = received_quantity + $2 WHERE id = $1`, [line.returnLineId, line.quantity]);
  }
  await tx.query(`INSERT INTO returns.return_receipts (return_id, location_id, lines, received_by) VALUES ($1, $2, $3, $4)`, [
    ret.id,
    input.locationId,
    JSON.stringify(input.lines),
    principal.subject,
  ]);
  const receivedNow = new Map(input.lines.map((line) => [line.returnLineId, line.quantity]));
  const fullyReceived = lines.every((line) => line.received_quantity + (receivedNow.get(line.id) ?? 0) === line.quantity);
  const actor = { principal, channel: ret.channel, storeId: input.locationId };
  const header = fullyReceived
    ? await applyTransition(tx, ret, 'receiveAll', actor)
    : ret.status === 'PARTIALLY_RECEIVED'
      ? await bumpRevision(tx, ret, 'receive', actor)
      : await applyTransition(tx, ret, 'receive', actor);
  if (!header) return refused(userError(ReturnErrorCode.INVALID_TRANSITION, ['input', 'returnId'], ReturnMessages.invalidTransition(ret.status, 'received')));
  const skuOf = new Map(lines.map((line) => [line.id, line.sku]));
  await tx.emit(ReturnItemsReceived, ret.id, {
    ...header,
    locationId: input.locationId,
    expectedAtLocationId: ret.destination_location_id,
    fullyReceived,
    lines: input.lines.map((line) => ({
      returnLineId: line.returnLineId,
      sku: skuOf.get(line.returnLineId) as string,
      quantity: line.quantity,
      unopened: line.unopened ?? false,
    })),
  });
  return changed(ret.id);
}

function validateReceipt(input: ReceiveInput, lines: Awaited<ReturnType<typeof lineStates>>): UserError[] {
  const errors: UserError[] = [];
  if (input.lines.length === 0) errors.push(userError(ReturnErrorCode.NO_LINES, ['input', 'lines'], ReturnMessages.noLines));
  const seen = new Set<string>();
  input.lines.forEach((line, index) => {
    const state = lines.find((candidate) => candidate.id === line.returnLineId);
    if (!state) {
      errors.push(
        userError(ReturnErrorCode.RETURN_LINE_NOT_FOUND, ['input', 'lines', index, 'returnLineId'], ReturnMessages.returnLineNotFound(line.returnLineId)),
      );
    } else if (seen.has(line.returnLineId)) {
      errors.push(userError(ReturnErrorCode.DUPLICATE_LINE, ['input', 'lines', index, 'returnLineId'], ReturnMessages.duplicateLine));
    } else if (!Number.isInteger(line.quantity) || line.quantity < 1) {
      errors.push(userError(ReturnErrorCode.INVALID_QUANTITY, ['input', 'lines', index, 'quantity'], ReturnMessages.invalidQuantity));
    } else if (line.quantity > state.quantity - state.received_quantity) {
      errors.push(
        userError(
          ReturnErrorCode.QUANTITY_EXCEEDS_OUTSTANDING,
          ['input', 'lines', index, 'quantity'],
          ReturnMessages.exceedsOutstanding(state.quantity - state.received_quantity),
        ),
      );
    }
    seen.add(line.returnLineId);
  });
  return errors;
}

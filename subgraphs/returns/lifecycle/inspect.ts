import type { WriteTx } from '../../../platform/write-path/write-tx';
import type { Principal } from '../../../platform/auth';
import { ReturnInspected } from '../../../contracts/events/returns';
import type { Disposition } from '../../../contracts/vocabulary';
import { inspectionLocations, mayActOn } from './access';
import { applyTransition, bumpRevision } from './transitions';
import { lineStates, lockReturn } from './lifecycle-queries';
import { changed, refused, type ReturnPayload } from './payload';
import { ReturnErrorCode, ReturnMessages, userError, type UserError } from './user-errors';
import { completeIfSettled } from './completion';
import { unknownLocation, waitingAt } from './locations';

/** Input of `recordInspection`. */
export interface InspectionInput {
  returnId: string;
  locationId: string;
  lines: { returnLineId: string; dispositions: { disposition: Disposition; quantity: number }[] }[];
}

/**
 * `recordInspection`: every received, not yet inspected unit of each named line gets a
 * disposition; the quantities of a line must add up to exactly those units. When every unit of the
 * return is received and inspected, the return is INSPECTED (and COMPLETED once its refund settled).
 */
export async function recordInspection(tx: WriteTx, principal: Principal, input: InspectionInput): Promise<ReturnPayload> {
  const ret = await lockReturn(tx, input.returnId);
  if (!ret || !mayActOn(principal, 'recordInspection', ret, await inspectionLocations(tx, ret.id, input.locationId)))
    return refused(userError(ReturnErrorCode.RETURN_NOT_FOUND, ['input', 'returnId'], ReturnMessages.returnNotFound(input.returnId)));
  if (!['PARTIALLY_RECEIVED', 'RECEIVED'].includes(ret.status)) {
    return refused(userError(ReturnErrorCode.INVALID_TRANSITION, ['input', 'returnId'], ReturnMessages.invalidTransition(ret.status, 'inspected')));
  }
  // Inventory moves the inspected units out of what it holds for the line at this location.
  const unknown = await unknownLocation(tx, input.locationId, ['input', 'locationId']);
  if (unknown) return refused(unknown);
  const lines = await lineStates(tx, ret.id);
  const errors = validateInspection(input, lines, await waitingAt(tx, ret.id, input.locationId));
  if (errors.length > 0) return { returnId: null, userErrors: errors };

  for (const line of input.lines) {
    for (const { disposition, quantity } of line.dispositions) {
      await tx.query(
        `INSERT INTO returns.return_line_dispositions (return_line_id, disposition, quantity, location_id, inspected_by) VALUES ($1, $2, $3, $4, $5)`,
        [line.returnLineId, disposition, quantity, input.locationId, principal.subject],
      );
    }
  }
  const inspectedNow = new Map(input.lines.map((line) => [line.returnLineId, line.dispositions.reduce((sum, d) => sum + d.quantity, 0)]));
  const fullyInspected = ret.status === 'RECEIVED' && lines.every((line) => line.dispositioned_quantity + (inspectedNow.get(line.id) ?? 0) === line.quantity);
  const actor = { principal, channel: ret.channel, storeId: input.locationId };
  const header = fullyInspected ? await applyTransition(tx, ret, 'inspect', actor) : await bumpRevision(tx, ret, 'inspect', actor);
  if (!header) return refused(userError(ReturnErrorCode.INVALID_TRANSITION, ['input', 'returnId'], ReturnMessages.invalidTransition(ret.status, 'inspected')));
  const skuOf = new Map(lines.map((line) => [line.id, line.sku]));
  await tx.emit(ReturnInspected, ret.id, {
    ...header,
    locationId: input.locationId,
    fullyInspected,
    lines: input.lines.map((line) => ({
      returnLineId: line.returnLineId,
      sku: skuOf.get(line.returnLineId) as string,
      dispositions: line.dispositions.filter((d) => d.quantity > 0),
    })),
  });
  if (fullyInspected) await completeIfSettled(tx, ret, principal);
  return changed(ret.id);
}

/** `waitingHere`: per line, units received at the inspection's location and not yet inspected there. */
function validateInspection(input: InspectionInput, lines: Awaited<ReturnType<typeof lineStates>>, waitingHere: Map<string, number>): UserError[] {
  const errors: UserError[] = [];
  if (input.lines.length === 0) errors.push(userError(ReturnErrorCode.NO_LINES, ['input', 'lines'], ReturnMessages.noLines));
  const seen = new Set<string>();
  input.lines.forEach((line, index) => {
    const state = lines.find((candidate) => candidate.id === line.returnLineId);
    if (!state) {
      errors.push(
        userError(ReturnErrorCode.RETURN_LINE_NOT_FOUND, ['input', 'lines', index, 'returnLineId'], ReturnMessages.returnLineNotFound(line.returnLineId)),
      );
      return;
    }
    if (seen.has(line.returnLineId)) {
      errors.push(userError(ReturnErrorCode.DUPLICATE_LINE, ['input', 'lines', index, 'returnLineId'], ReturnMessages.duplicateLine));
      return;
    }
    seen.add(line.returnLineId);
    const waiting = state.received_quantity - state.dispositioned_quantity;
    if (waiting === 0) {
      errors.push(userError(ReturnErrorCode.NOTHING_TO_INSPECT, ['input', 'lines', index, 'returnLineId'], ReturnMessages.nothingToInspect));
      return;
    }
    line.dispositions.forEach((d, j) => {
      if (!Number.isInteger(d.quantity) || d.quantity < 1) {
        errors.push(userError(ReturnErrorCode.INVALID_QUANTITY, ['input', 'lines', index, 'dispositions', j, 'quantity'], ReturnMessages.invalidQuantity));
      }
    });
    const total = line.dispositions.reduce((sum, d) => sum + d.quantity, 0);
    const here = waitingHere.get(state.id) ?? 0;
    // Units waiting elsewhere are inspected where they are: inventory holds them there, not here.
    if (here === 0 || (total > here && total <= waiting)) {
      errors.push(
        userError(
          ReturnErrorCode.NOT_RECEIVED_AT_LOCATION,
          ['input', 'lines', index, 'dispositions'],
          ReturnMessages.notReceivedAtLocation(input.locationId, here),
        ),
      );
    } else if (total !== here) {
      errors.push(
        userError(ReturnErrorCode.DISPOSITIONS_MUST_MATCH_RECEIVED, ['input', 'lines', index, 'dispositions'], ReturnMessages.dispositionsMismatch(here)),
      );
    }
  });
  return errors;
}

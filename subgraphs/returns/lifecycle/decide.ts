import type { Queryable } from '../../../platform/db';
import type { WriteTx } from '../../../platform/write-path/write-tx';
import type { Principal } from '../../../platform/auth';
import { ReturnAuthorized, ReturnCanceled, ReturnDeclined, ReturnInTransit } from '../../../contracts/events/returns';
import type { Operation } from '../../../platform/auth';
import { isManagerFor, mayActOn } from './access';
import { applyTransition } from './transitions';
import { lineStates, lockReturn, type ReturnForUpdate } from './lifecycle-queries';
import { changed, refused, type ReturnPayload } from './payload';
import { ReturnErrorCode, ReturnMessages, userError } from './user-errors';
import { authorizedEventData } from './event-data';
import { isKnownLocation } from './locations';

/**
 * Locks the return and asks the capability table whether the principal may perform `operation` on
 * it (FORBIDDEN otherwise); a return the caller may not see answers RETURN_NOT_FOUND, like an unknown one.
 */
async function locked(tx: Queryable, principal: Principal, operation: Operation, returnId: string): Promise<ReturnForUpdate | ReturnPayload> {
  const ret = await lockReturn(tx, returnId);
  if (ret && mayActOn(principal, operation, ret)) return ret;
  return refused(userError(ReturnErrorCode.RETURN_NOT_FOUND, ['input', 'returnId'], ReturnMessages.returnNotFound(returnId)));
}

const isPayload = (value: ReturnForUpdate | ReturnPayload): value is ReturnPayload => 'userErrors' in value;

const invalid = (ret: ReturnForUpdate, action: string) =>
  refused(userError(ReturnErrorCode.INVALID_TRANSITION, ['input', 'returnId'], ReturnMessages.invalidTransition(ret.status, action)));

/** `approveReturn`: a requested return is authorized by someone with authority for its value. */
export async function approveReturn(tx: WriteTx, principal: Principal, input: { returnId: string; note?: string | null }): Promise<ReturnPayload> {
  const ret = await locked(tx, principal, 'approveReturn', input.returnId);
  if (isPayload(ret)) return ret;
  if ((ret.approval === 'NEEDS_MANAGER_APPROVAL' || ret.fraud_outcome === 'REVIEW') && !isManagerFor(principal, ret.store_id)) {
    return refused(userError(ReturnErrorCode.MANAGER_APPROVAL_REQUIRED, ['input', 'returnId'], ReturnMessages.managerApproval));
  }
  // Authorized units are expected at the destination; inventory refuses a location it does not know.
  if (ret.destination_location_id && !(await isKnownLocation(tx, ret.destination_location_id))) {
    return refused(userError(ReturnErrorCode.UNKNOWN_LOCATION, null, ReturnMessages.unknownLocation(ret.destination_location_id)));
  }
  const header = await applyTransition(tx, ret, 'approve', { principal, channel: ret.channel, storeId: ret.store_id, note: input.note });
  if (!header) return invalid(ret, 'approved');
  await tx.emit(ReturnAuthorized, ret.id, await authorizedEventData(tx, ret, header));
  return changed(ret.id);
}

/** `declineReturn`: a requested return is refused, with a reason. */
export async function declineReturn(
  tx: WriteTx,
  principal: Principal,
  input: { returnId: string; reason: string; note?: string | null },
): Promise<ReturnPayload> {
  const ret = await locked(tx, principal, 'declineReturn', input.returnId);
  if (isPayload(ret)) return ret;
  const header = await applyTransition(
    tx,
    ret,
    'decline',
    { principal, channel: ret.channel, storeId: ret.store_id, note: input.note },
    { decline_reason: input.reason },
  );
  if (!header) return invalid(ret, 'declined');
  await tx.emit(ReturnDeclined, ret.id, { ...header, reason: input.reason });
  return changed(ret.id);
}

/** `cancelReturn`: withdrawn before any unit was received. */
export async function cancelReturn(tx: WriteTx, principal: Principal, input: { returnId: string; note?: string | null }): Promise<ReturnPayload> {
  const ret = await locked(tx, principal, 'cancelReturn', input.returnId);
  if (isPayload(ret)) return ret;
  const wasAuthorized = ret.status !== 'REQUESTED';
  const header = await applyTransition(tx, ret, 'cancel', { principal, channel: ret.channel, storeId: ret.store_id, note: input.note });
  if (!header) return invalid(ret, 'canceled');
  const lines = await lineStates(tx, ret.id);
  await tx.emit(ReturnCanceled, ret.id, {
    ...header,
    destinationLocationId: ret.destination_location_id,
    wasAuthorized,
    lines: lines.map((line) => ({ returnLineId: line.id, sku: line.sku, outstandingQuantity: line.quantity - line.received_quantity })),
  });
  return changed(ret.id);
}

/** `markReturnInTransit`: the carrier has the parcel (from a label scan or the customer). */
export async function markReturnInTransit(
  tx: WriteTx,
  principal: Principal,
  input: { returnId: string; carrier?: string | null; trackingNumber?: string | null },
): Promise<ReturnPayload> {
  const ret = await locked(tx, principal, 'markReturnInTransit', input.returnId);
  if (isPayload(ret)) return ret;
  const header = await applyTransition(
    tx,
    ret,
    'ship',
    { principal, channel: ret.channel, storeId: ret.store_id },
    {
      carrier: input.carrier ?? null,
      tracking_number: input.trackingNumber ?? null,
    },
  );
  if (!header) return invalid(ret, 'marked in transit');
  await tx.emit(ReturnInTransit, ret.id, { ...header, carrier: input.carrier ?? null, trackingNumber: input.trackingNumber ?? null });
  return changed(ret.id);
}

import type { Db } from '../../../platform/db';
import type { Principal } from '../../../platform/auth';
import { WritePath } from '../../../platform/write-path/write-path';
import type { WriteTx } from '../../../platform/write-path/write-tx';
import type { WarehouseMessage } from '../../../connectors/warehouse/port';
import { receiveReturnItems, type ReceiveInput } from '../lifecycle/receive';
import { recordInspection, type InspectionInput } from '../lifecycle/inspect';
import { refused, type ReturnPayload } from '../lifecycle/payload';
import { ReturnErrorCode, type UserError } from '../lifecycle/user-errors';
import { findMessage, messageFingerprint, recordMessage, type LoggedMessage } from './message-log';
import { resolveLines } from './resolve-lines';
import { WarehouseApplyCode, WarehouseApplyMessages, type WarehouseMessageError, type WarehouseOutcome } from './outcome';

/**
 * Refusals that say "retry shortly" (inventory has not announced the location yet, the same
 * message is being applied right now) are not recorded, so the sender's retry of the same message
 * id is judged afresh; every other refusal is final for that id.
 */
const TRANSIENT_CODES: ReadonlySet<string> = new Set([ReturnErrorCode.UNKNOWN_LOCATION, ReturnErrorCode.IDEMPOTENCY_CONCURRENT_REQUEST]);

/** The principal a warehouse acts as: a service, receiving and inspecting anywhere (the capability table's `service` rows). */
export const warehousePrincipal = (warehouseId: string): Principal => ({ subject: `warehouse:${warehouseId}`, roles: ['service'], storeIds: [] });

/** The idempotency key of a message: one per warehouse and message id. */
export const warehouseIdempotencyKey = (message: WarehouseMessage): string => `warehouse:${message.warehouseId}:${message.messageId}`;

/** The other side of the claim: a concurrent request recorded the message first; this transaction rolls back. */
class AlreadyRecorded extends Error {}

/**
 * Applies one warehouse message exactly once: a receipt through `receiveReturnItems`, an
 * inspection through `recordInspection` — the same lifecycle functions, checks and events as the
 * mutations — in the write path with the key `warehouse:<warehouseId>:<messageId>`, as the
 * warehouse's service principal. A message with any bad line applies nothing and is answered
 * with the failing lines. The outcome is recorded in `returns.warehouse_messages` (the APPLIED row
 * in the same transaction as the change), so a repeat answers the same result.
 */
export async function applyWarehouseMessage(db: Db, message: WarehouseMessage): Promise<WarehouseOutcome> {
  const ids = { warehouseId: message.warehouseId, messageId: message.messageId };
  const stored = await findMessage(db, message.warehouseId, message.messageId);
  if (stored) return repeated(stored, message);
  const resolved = await resolveLines(db, message);
  if (!resolved.ok) return rejected(db, message, resolved.errors);
  const principal = warehousePrincipal(message.warehouseId);
  const step = (tx: WriteTx) =>
    message.kind === 'receipt'
      ? receiveReturnItems(tx, principal, resolved.input as ReceiveInput)
      : recordInspection(tx, principal, resolved.input as InspectionInput);
  try {
    const { payload, outcome } = await new WritePath(db, 'returns').mutate<ReturnPayload>(
      principal,
      {
        operation: message.kind === 'receipt' ? 'receiveReturnItems' : 'recordInspection',
        idempotencyKey: warehouseIdempotencyKey(message),
        input: resolved.input,
      },
      async (tx) => {
        if (!(await recordMessage(tx, message, 'APPLIED', { returnId: message.returnId }))) throw new AlreadyRecorded();
        return step(tx);
      },
      (error) => refused(error as UserError),
    );
    if (payload.userErrors.length > 0)
      return rejected(
        db,
        message,
        payload.userErrors.map((error) => lineErrorOf(error, message)),
      );
    return { ...ids, status: outcome === 'APPLIED' ? 'applied' : 'duplicate' };
  } catch (error) {
    if (!(error instanceof AlreadyRecorded)) throw error;
    const winner = await findMessage(db, message.warehouseId, message.messageId);
    return winner ? repeated(winner, message) : { ...ids, status: 'duplicate' };
  }
}

/** The answer to a message id already recorded: the same result, unless the content differs. */
function repeated(stored: LoggedMessage, message: WarehouseMessage): WarehouseOutcome {
  const ids = { warehouseId: message.warehouseId, messageId: message.messageId };
  if (stored.fingerprint !== messageFingerprint(message)) {
    return {
      ...ids,
      status: 'rejected',
      errors: [{ lineNumber: null, code: WarehouseApplyCode.MESSAGE_ID_REUSED, message: WarehouseApplyMessages.messageIdReused }],
    };
  }
  return stored.status === 'APPLIED' ? { ...ids, status: 'duplicate' } : { ...ids, status: 'rejected', errors: stored.result.errors ?? [] };
}

/** Records a refusal (unless transient) and answers it; a concurrent first record wins. */
async function rejected(db: Db, message: WarehouseMessage, errors: WarehouseMessageError[]): Promise<WarehouseOutcome> {
  const ids = { warehouseId: message.warehouseId, messageId: message.messageId };
  if (errors.some((error) => TRANSIENT_CODES.has(error.code))) return { ...ids, status: 'rejected', errors };
  if (await recordMessage(db, message, 'REJECTED', { errors })) return { ...ids, status: 'rejected', errors };
  const winner = await findMessage(db, message.warehouseId, message.messageId);
  return winner ? repeated(winner, message) : { ...ids, status: 'rejected', errors };
}

/** A lifecycle userError on the message's line: its field `['input', 'lines', 2, ...]` is the message's third line. */
function lineErrorOf(error: UserError, message: WarehouseMessage): WarehouseMessageError {
  const field = error.field ?? [];
  const index = field[1] === 'lines' && field[2] !== undefined ? Number(field[2]) : NaN;
  return { lineNumber: message.lines[index]?.lineNumber ?? null, code: error.code, message: error.message };
}

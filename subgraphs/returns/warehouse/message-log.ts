import type { Queryable } from '../../../platform/db';
import { fingerprint } from '../../../platform/idempotency/fingerprint';
import type { WarehouseMessage } from '../../../connectors/warehouse/port';
import type { WarehouseMessageError } from './outcome';

/** `returns.warehouse_messages`: every warehouse message's outcome, by warehouse and message id (migration 016). */

/** A recorded outcome. */
export type LoggedMessage = {
  status: 'APPLIED' | 'REJECTED';
  fingerprint: string;
  result: { returnId?: string; errors?: WarehouseMessageError[] };
};

/** The fingerprint of a message as read: the same id with other content is another message. */
export const messageFingerprint = (message: WarehouseMessage): string => fingerprint(message);

/** The recorded outcome of a message id of a warehouse, if any. */
export async function findMessage(db: Queryable, warehouseId: string, messageId: string): Promise<LoggedMessage | null> {
  const { rows } = await db.query<LoggedMessage>(
    `SELECT status, fingerprint, result FROM returns.warehouse_messages WHERE warehouse_id = $1 AND message_id = $2`,
    [warehouseId, messageId],
  );
  return rows[0] ?? null;
}

/**
 * Records an outcome unless the message id already has one; true when this call recorded it.
 * Inside the applying transaction, a concurrent sender of the same message waits here on the
 * primary key until the first commits, then records nothing.
 */
export async function recordMessage(
  db: Queryable,
  message: WarehouseMessage,
  status: LoggedMessage['status'],
  result: LoggedMessage['result'],
): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO returns.warehouse_messages (warehouse_id, message_id, kind, return_id, occurred_at, status, fingerprint, result)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
    [message.warehouseId, message.messageId, message.kind, message.returnId, message.occurredAt, status, messageFingerprint(message), result],
  );
  return rowCount === 1;
}

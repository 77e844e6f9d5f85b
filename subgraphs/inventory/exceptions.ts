/**
 * The inventory subgraph's part of the exceptions queue (`platform/operations/exceptions.ts`):
 * stock-movement postings the ERP refused (FAILED) or has not booked after the exception
 * threshold (`STOCK_POSTING_FAILED`), and `retryStockPosting`, the action that posts one again now.
 */
import type { Principal } from '../../platform/auth';
import type { WriteTx } from '../../platform/write-path/write-tx';
import { mutation } from '../../platform/write-path/mutation';
import { evidenceText } from '../../platform/operations/exceptions-schema';
import type { ExceptionSource } from '../../platform/operations/exceptions';
import type { ErpStockMovement } from '../../connectors/erp/port';
import { InventoryErrorCode, InventoryMessages, type InventoryUserError } from './user-errors';

/** A posting's id in the API: its queue position, as digits. */
const POSTING_ID = /^[1-9][0-9]{0,17}$/;

/** Postings the ERP refused or that are still unposted after `exceptionAfterAttempts` attempts. */
export function stockPostingSource(exceptionAfterAttempts: number): ExceptionSource {
  return {
    kind: 'STOCK_POSTING_FAILED',
    select: `SELECT 'stock-posting.' || p.queue_position AS exception_id, p.queued_at AS opened_at, p.queue_position, p.status, p.attempts,
                    p.last_error, p.failure_reason, p.correlation_id, p.movements
               FROM inventory.erp_postings p
              WHERE p.status = 'FAILED' OR (p.status = 'QUEUED' AND p.attempts >= ${Number(exceptionAfterAttempts)})`,
    toException: (row: {
      opened_at: Date;
      queue_position: string;
      status: string;
      attempts: number;
      last_error: string | null;
      failure_reason: string | null;
      correlation_id: string;
      movements: ErpStockMovement[];
    }) => {
      const returnId = row.movements.find((movement) => movement.returnId)?.returnId ?? null;
      const units = row.movements.map((m) => `${m.quantity} × ${m.sku} at ${m.locationId} ${m.fromState ?? '∅'}→${m.toState ?? '∅'}`).join('; ');
      return {
        summary:
          row.status === 'FAILED'
            ? `The ERP refused ${row.movements.length} stock movement(s)`
            : `${row.movements.length} stock movement(s) still unposted after ${row.attempts} attempts`,
        openedAt: new Date(row.opened_at),
        returnId,
        correlationId: row.correlation_id,
        evidence: [
          { label: 'Movements', value: evidenceText(units) },
          { label: 'Status', value: row.status },
          { label: 'Attempts', value: String(row.attempts) },
          { label: 'Error', value: evidenceText(row.failure_reason ?? row.last_error) },
        ],
        action: { kind: 'RETRY_POSTING', label: 'Retry posting', mutation: 'retryStockPosting', targetId: String(row.queue_position) },
      };
    },
  };
}

/** What `retryStockPosting` stores under its key. */
export interface RetryStockPostingPayload {
  postingId: string | null;
  userErrors: InventoryUserError[];
}

/**
 * `retryStockPosting`: a refused or long-unposted posting goes back in the queue, due now,
 * attempts counted from zero (the audit row keeps what it had). The ERP is idempotent by movement
 * id, so a posting it booked meanwhile is not booked twice.
 */
export async function retryStockPosting(
  tx: WriteTx,
  principal: Principal,
  input: { postingId: string },
  exceptionAfterAttempts: number,
): Promise<RetryStockPostingPayload> {
  const refused = (code: string, message: string): RetryStockPostingPayload => ({
    postingId: null,
    userErrors: [{ code, field: ['input', 'postingId'], message }],
  });
  if (!POSTING_ID.test(input.postingId)) return refused(InventoryErrorCode.POSTING_NOT_FOUND, InventoryMessages.postingNotFound(input.postingId));
  const { rows } = await tx.query<{ queue_position: string; status: string; attempts: number; last_error: string | null; failure_reason: string | null }>(
    `SELECT queue_position, status, attempts, last_error, failure_reason FROM inventory.erp_postings WHERE queue_position = $1 FOR UPDATE`,
    [Number(input.postingId)],
  );
  const posting = rows[0];
  if (!posting) return refused(InventoryErrorCode.POSTING_NOT_FOUND, InventoryMessages.postingNotFound(input.postingId));
  if (!(posting.status === 'FAILED' || (posting.status === 'QUEUED' && posting.attempts >= exceptionAfterAttempts))) {
    return refused(InventoryErrorCode.NOT_A_POSTING_EXCEPTION, InventoryMessages.notAPostingException(posting.status));
  }
  await tx.query(
    `UPDATE inventory.erp_postings SET status = 'QUEUED', failure_reason = NULL, attempts = 0, next_attempt_at = now() WHERE queue_position = $1`,
    [posting.queue_position],
  );
  // The queue's shared pause is for outages; a person asking now means now.
  await tx.query(`UPDATE inventory.erp_posting_queue SET paused_until = '-infinity' WHERE paused_until > now()`);
  await tx.audit({
    principal,
    action: 'retryStockPosting',
    target: String(posting.queue_position),
    details: { status: posting.status, attempts: posting.attempts, lastError: posting.last_error, failureReason: posting.failure_reason },
  });
  return { postingId: String(posting.queue_position), userErrors: [] };
}

/** The mutation's resolver. */
export function stockPostingResolvers(exceptionAfterAttempts: number) {
  return {
    Mutation: {
      retryStockPosting: mutation<{ postingId: string }, RetryStockPostingPayload>(
        'retryStockPosting',
        (tx, principal, input) => retryStockPosting(tx, principal, input, exceptionAfterAttempts),
        (error): RetryStockPostingPayload => ({ postingId: null, userErrors: [error] }),
      ),
    },
  };
}

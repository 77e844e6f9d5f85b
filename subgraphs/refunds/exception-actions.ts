/**
 * The refunds mutations the exceptions queue needed and did not have: post a credit memo again now
 * (`retryCreditMemoPosting`) and close a reconciliation mismatch by hand
 * (`resolveReconciliationException`). Both go through the write path (key, effect and audit in one
 * transaction); the root guard has asked the capability table before either runs.
 */
import type { Principal } from '../../platform/auth';
import type { Queryable } from '../../platform/db';
import type { WriteTx } from '../../platform/write-path/write-tx';
import { mutation } from '../../platform/write-path/mutation';
import { RefundErrorCode, RefundMessages, type RefundUserError } from './user-errors';
import type { RefundPayload } from './manual';
import type { ExceptionRow } from './reconciliation/store';

/** What `resolveReconciliationException` stores under its key: the mismatch's id, so a replay shows it as it is now. */
export interface StoredResolvePayload {
  exceptionId: string | null;
  userErrors: RefundUserError[];
}

/** Mismatch ids are identity numbers, as text. */
const MISMATCH_ID = /^[1-9][0-9]{0,17}$/;
/** A resolution note: what a person found, long enough to say it, short enough to audit. */
const NOTE_MAX = 1000;

/**
 * `retryCreditMemoPosting`: a credit memo the ERP refused (FAILED) or has not booked after the
 * exception threshold goes back to the head of its turn: QUEUED, due now, attempts counted from
 * zero (the audit row keeps the attempts and the error it had). It is posted with the same refund
 * id as key, so an ERP that did book it meanwhile answers with that booking, never a second memo.
 */
export async function retryCreditMemoPosting(
  tx: WriteTx,
  principal: Principal,
  input: { postingId: string },
  exceptionAfterAttempts: number,
): Promise<RefundPayload> {
  const refused = (code: string, message: string): RefundPayload => ({ refundId: null, userErrors: [{ code, field: ['input', 'postingId'], message }] });
  const { rows } = await tx.query<{
    refund_id: string;
    status: string;
    attempts: number;
    last_error: string | null;
    failure_reason: string | null;
    memo: unknown;
  }>(`SELECT refund_id, status, attempts, last_error, failure_reason, memo FROM refunds.credit_memos WHERE refund_id = $1 FOR UPDATE`, [input.postingId]);
  const memo = rows[0];
  if (!memo) return refused(RefundErrorCode.POSTING_NOT_FOUND, RefundMessages.postingNotFound(input.postingId));
  const exception = memo.status === 'FAILED' || (memo.status === 'QUEUED' && memo.attempts >= exceptionAfterAttempts);
  if (!exception || memo.memo === null) return refused(RefundErrorCode.NOT_A_POSTING_EXCEPTION, RefundMessages.notAPostingException(memo.status));
  await tx.query(`UPDATE refunds.credit_memos SET status = 'QUEUED', failure_reason = NULL, attempts = 0, next_attempt_at = now() WHERE refund_id = $1`, [
    memo.refund_id,
  ]);
  // The queue's shared pause is for outages; a person asking now means now.
  await tx.query(`UPDATE refunds.erp_posting_queue SET paused_until = '-infinity' WHERE paused_until > now()`);
  await tx.audit({
    principal,
    action: 'retryCreditMemoPosting',
    target: memo.refund_id,
    details: { status: memo.status, attempts: memo.attempts, lastError: memo.last_error, failureReason: memo.failure_reason },
  });
  return { refundId: memo.refund_id, userErrors: [] };
}

/**
 * `resolveReconciliationException`: a person closes an open mismatch with a note (what they found
 * or did at the provider or in the ERP). A later run that still finds it opens it again: the
 * books, not the note, have the last word.
 */
export async function resolveReconciliationException(
  tx: WriteTx,
  principal: Principal,
  input: { exceptionId: string; note: string },
): Promise<StoredResolvePayload> {
  const refused = (code: string, field: string, message: string): StoredResolvePayload => ({
    exceptionId: null,
    userErrors: [{ code, field: ['input', field], message }],
  });
  const note = input.note.trim();
  if (note.length === 0 || note.length > NOTE_MAX) return refused(RefundErrorCode.INVALID_VALUE, 'note', RefundMessages.noteRequired(NOTE_MAX));
  if (!MISMATCH_ID.test(input.exceptionId))
    return refused(RefundErrorCode.MISMATCH_NOT_FOUND, 'exceptionId', RefundMessages.mismatchNotFound(input.exceptionId));
  const { rows } = await tx.query<{ id: string; status: string }>(`SELECT id, status FROM refunds.reconciliation_exceptions WHERE id = $1 FOR UPDATE`, [
    Number(input.exceptionId),
  ]);
  const mismatch = rows[0];
  if (!mismatch) return refused(RefundErrorCode.MISMATCH_NOT_FOUND, 'exceptionId', RefundMessages.mismatchNotFound(input.exceptionId));
  if (mismatch.status !== 'OPEN') return refused(RefundErrorCode.MISMATCH_NOT_OPEN, 'exceptionId', RefundMessages.mismatchNotOpen);
  await tx.query(
    `UPDATE refunds.reconciliation_exceptions SET status = 'RESOLVED', resolved_at = now(), resolved_by = $2, resolution_note = $3 WHERE id = $1`,
    [mismatch.id, principal.subject.slice(0, 200), note],
  );
  await tx.audit({ principal, action: 'resolveReconciliationException', target: String(mismatch.id), details: { note } });
  return { exceptionId: String(mismatch.id), userErrors: [] };
}

/** A mismatch by id, for the payload. */
async function findMismatch(db: Queryable, id: string): Promise<ExceptionRow | null> {
  const { rows } = await db.query<ExceptionRow>(`SELECT * FROM refunds.reconciliation_exceptions WHERE id = $1`, [Number(id)]);
  return rows[0] ?? null;
}

/** The resolvers of both mutations and of the new payload. */
export function exceptionActionResolvers(exceptionAfterAttempts: number) {
  return {
    Mutation: {
      retryCreditMemoPosting: mutation<{ postingId: string }, RefundPayload>(
        'retryCreditMemoPosting',
        (tx, principal, input) => retryCreditMemoPosting(tx, principal, input, exceptionAfterAttempts),
        (error): RefundPayload => ({ refundId: null, userErrors: [error] }),
      ),
      resolveReconciliationException: mutation<{ exceptionId: string; note: string }, StoredResolvePayload>(
        'resolveReconciliationException',
        resolveReconciliationException,
        (error): StoredResolvePayload => ({ exceptionId: null, userErrors: [error] }),
      ),
    },
    ResolveReconciliationExceptionPayload: {
      exception: (payload: StoredResolvePayload, _: unknown, ctx: { db: Queryable }) =>
        payload.exceptionId ? findMismatch(ctx.db, payload.exceptionId) : null,
    },
  };
}

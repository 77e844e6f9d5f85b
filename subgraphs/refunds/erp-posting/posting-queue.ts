/**
 * The SQL of the ERP posting queue (`refunds.credit_memos` + `refunds.erp_posting_queue`, migration
 * 018): record a posting, claim the oldest due ones under a lease, and record each outcome. The
 * worker (`credit-memo-poster.ts`) decides; this file only reads and writes.
 */
import type { Db, Queryable } from '../../../platform/db';
import type { WriteTx } from '../../../platform/write-path/write-tx';
import type { ErpCreditMemo } from '../../../connectors/erp/port';
import { activeTraceparent } from '../../../platform/telemetry/spans';
import { CreditMemoPosted, type RefundEventHeader } from '../../../contracts/events/refunds';

/** A recorded posting, claimed by one worker. */
export interface ClaimedPosting {
  /** The refund id: the posting's key in the queue and at the ERP. */
  key: string;
  refundId: string;
  memo: ErpCreditMemo;
  queuePosition: number;
  attempts: number;
  causationId: string | null;
  correlationId: string;
}

/**
 * Records what to post for a queued memo, in the consumer's transaction: the memo, the next place
 * in the queue and the event that caused it. Recording twice changes nothing (the first stands).
 */
export async function recordPosting(tx: Queryable, memo: ErpCreditMemo, causationId: string, correlationId: string): Promise<void> {
  const { rowCount } = await tx.query(
    `UPDATE refunds.credit_memos
        SET memo = $2, queue_position = nextval('refunds.erp_posting_positions'), causation_id = $3, correlation_id = $4, next_attempt_at = now(),
            traceparent = $5
      WHERE refund_id = $1 AND memo IS NULL`,
    [memo.refundId, JSON.stringify(memo), causationId, correlationId.slice(0, 200), activeTraceparent()],
  );
  if (rowCount > 0) return;
  const { rows } = await tx.query(`SELECT 1 FROM refunds.credit_memos WHERE refund_id = $1`, [memo.refundId]);
  // The memo row is queued in the transaction that emits RefundSucceeded; its absence is a bug.
  if (rows.length === 0) throw new Error(`refund ${memo.refundId} succeeded without a queued credit memo`);
}

/**
 * Claims up to `limit` due postings, oldest first, unless the queue is paused (the ERP was
 * unavailable). `FOR UPDATE SKIP LOCKED` and the lease (`next_attempt_at` moved on by `leaseMs`) let
 * several instances drain one queue without posting one memo at once; a worker that dies loses
 * its lease and the posting comes back, to be posted with the same refund id.
 */
export async function claimPostings(db: Db, limit: number, leaseMs: number): Promise<ClaimedPosting[]> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{
      refund_id: string;
      memo: ErpCreditMemo;
      queue_position: number;
      attempts: number;
      causation_id: string | null;
      correlation_id: string | null;
      traceparent: string | null;
    }>(
      `SELECT m.refund_id, m.memo, m.queue_position, m.attempts, m.causation_id, m.correlation_id, m.traceparent
         FROM refunds.credit_memos m
        WHERE m.status = 'QUEUED' AND m.memo IS NOT NULL AND m.next_attempt_at <= now()
          AND (SELECT q.paused_until FROM refunds.erp_posting_queue q) <= now()
        ORDER BY m.queue_position LIMIT $1 FOR UPDATE OF m SKIP LOCKED`,
      [limit],
    );
    if (rows.length > 0) {
      await tx.query(`UPDATE refunds.credit_memos SET next_attempt_at = now() + make_interval(secs => $2) WHERE refund_id = ANY($1)`, [
        rows.map((row) => row.refund_id),
        leaseMs / 1000,
      ]);
    }
    return rows.map((row) => ({
      key: row.refund_id,
      refundId: row.refund_id,
      memo: row.memo,
      queuePosition: Number(row.queue_position),
      attempts: row.attempts,
      causationId: row.causation_id,
      correlationId: row.correlation_id ?? `refund:${row.refund_id}`,
      traceparent: row.traceparent,
    }));
  });
}

/**
 * The ERP booked the memo: POSTED with its reference, the refund's revision moves on, and
 * `CreditMemoPosted` is emitted — one transaction. A posting already marked (a lease that ran out
 * while the first worker was still posting) emits nothing twice. Also clears the queue's backoff.
 */
export async function recordPosted(tx: WriteTx, posting: ClaimedPosting, erpReference: string): Promise<boolean> {
  const { rowCount } = await tx.query(
    `UPDATE refunds.credit_memos SET status = 'POSTED', erp_reference = $2, posted_at = now(), attempts = attempts + 1, last_error = NULL
      WHERE refund_id = $1 AND status = 'QUEUED'`,
    [posting.refundId, erpReference],
  );
  await tx.query(`UPDATE refunds.erp_posting_queue SET consecutive_failures = 0 WHERE consecutive_failures <> 0`);
  if (rowCount === 0) return false;
  const { rows } = await tx.query<{
    order_id: string;
    return_id: string | null;
    status: RefundEventHeader['status'];
    revision: number;
    amount_minor: number;
    currency: RefundEventHeader['currency'];
    customer_id: string | null;
    partner_id: string | null;
    store_id: string | null;
  }>(
    `UPDATE refunds.refunds SET revision = revision + 1, updated_at = now() WHERE id = $1
      RETURNING order_id, return_id, status, revision, amount_minor, currency, customer_id, partner_id, store_id`,
    [posting.refundId],
  );
  const refund = rows[0];
  if (!refund) throw new Error(`credit memo ${posting.refundId} has no refund`);
  await tx.emit(
    CreditMemoPosted,
    posting.refundId,
    {
      refundId: posting.refundId,
      orderId: refund.order_id,
      returnId: refund.return_id,
      status: refund.status,
      revision: refund.revision,
      amountMinor: refund.amount_minor,
      currency: refund.currency,
      customerId: refund.customer_id,
      partnerId: refund.partner_id,
      storeId: refund.store_id,
      erpReference,
    },
    { causationId: posting.causationId ?? undefined },
  );
  return true;
}

/** The ERP refused the memo for good: FAILED with the reason, for a person to look at. */
export async function recordRefused(db: Db, posting: ClaimedPosting, reason: string): Promise<void> {
  await db.query(
    `UPDATE refunds.credit_memos SET status = 'FAILED', failure_reason = $2, attempts = attempts + 1, last_error = $2 WHERE refund_id = $1 AND status = 'QUEUED'`,
    [posting.refundId, reason.slice(0, 2000)],
  );
}

/**
 * The ERP was unavailable: the whole queue pauses for `pauseMs`, in every instance, so the oldest
 * posting is the first the ERP sees when it is back.
 */
export async function pauseQueue(db: Queryable, pauseMs: number): Promise<void> {
  await db.query(
    `UPDATE refunds.erp_posting_queue SET consecutive_failures = consecutive_failures + 1,
            paused_until = greatest(paused_until, now() + make_interval(secs => $1))`,
    [pauseMs / 1000],
  );
}

/** Unavailable answers since the last booked posting: the exponent of the queue's backoff. */
export async function consecutiveFailures(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ consecutive_failures: number }>(`SELECT consecutive_failures FROM refunds.erp_posting_queue`);
  return rows[0]?.consecutive_failures ?? 0;
}

/** A failed attempt: the posting stays QUEUED, due again after `delayMs`, with its attempts and last error. Returns its attempts so far. */
export async function recordAttempt(db: Queryable, posting: ClaimedPosting, error: string, delayMs: number): Promise<number> {
  const { rows } = await db.query<{ attempts: number }>(
    `UPDATE refunds.credit_memos SET attempts = attempts + 1, last_error = $2, next_attempt_at = now() + make_interval(secs => $3)
      WHERE refund_id = $1 AND status = 'QUEUED' RETURNING attempts`,
    [posting.refundId, error.slice(0, 2000), delayMs / 1000],
  );
  return rows[0]?.attempts ?? posting.attempts + 1;
}

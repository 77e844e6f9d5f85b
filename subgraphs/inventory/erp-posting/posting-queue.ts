/**
 * The SQL of the stock-movement posting queue (`inventory.erp_postings` + `inventory.erp_posting_queue`,
 * migration 019): record, claim the oldest due under a lease, record each outcome.
 */
import type { Db, Queryable } from '../../../platform/db';
import type { ErpStockMovement } from '../../../connectors/erp/port';
import { recordErpPosting } from '../../../platform/metrics';

/** A recorded posting (one InventoryMoved event's movements), claimed by one worker. */
export interface ClaimedMovements {
  /** The queue position, as text: the posting's key. */
  key: string;
  movements: ErpStockMovement[];
  attempts: number;
  correlationId: string;
}

/** Records an event's movements for posting, in the consumer's transaction; a second recording of the event changes nothing. */
export async function recordMovements(tx: Queryable, eventId: string, correlationId: string, movements: readonly ErpStockMovement[]): Promise<void> {
  if (movements.length === 0) return;
  const queued = await tx.query(
    `INSERT INTO inventory.erp_postings (event_id, correlation_id, movements) VALUES ($1, $2, $3) ON CONFLICT (event_id) DO NOTHING`,
    [eventId, correlationId.slice(0, 200), JSON.stringify(movements)],
  );
  if (queued.rowCount > 0) recordErpPosting('stock_movement', 'queued');
}

/** Up to `limit` due postings, oldest first, leased for `leaseMs` (`FOR UPDATE SKIP LOCKED`); none while the queue is paused. */
export async function claimMovements(db: Db, limit: number, leaseMs: number): Promise<ClaimedMovements[]> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ queue_position: string; movements: ErpStockMovement[]; attempts: number; correlation_id: string }>(
      `UPDATE inventory.erp_postings p SET next_attempt_at = now() + make_interval(secs => $2)
        WHERE p.queue_position IN (
          SELECT c.queue_position FROM inventory.erp_postings c
           WHERE c.status = 'QUEUED' AND c.next_attempt_at <= now() AND (SELECT q.paused_until FROM inventory.erp_posting_queue q) <= now()
           ORDER BY c.queue_position LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING p.queue_position::text, p.movements, p.attempts, p.correlation_id`,
      [limit, leaseMs / 1000],
    );
    return rows
      .map((row) => ({ key: row.queue_position, movements: row.movements, attempts: row.attempts, correlationId: row.correlation_id }))
      .sort((a, b) => Number(BigInt(a.key) - BigInt(b.key)));
  });
}

/** The ERP booked them: POSTED, and the queue's failure count cleared. */
export async function markPosted(db: Db, posting: ClaimedMovements): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query(
      `UPDATE inventory.erp_postings SET status = 'POSTED', posted_at = now(), attempts = attempts + 1, last_error = NULL WHERE queue_position = $1 AND status = 'QUEUED'`,
      [posting.key],
    );
    await tx.query(`UPDATE inventory.erp_posting_queue SET consecutive_failures = 0 WHERE consecutive_failures <> 0`);
  });
}

/** Refused for good: FAILED with the reason. */
export async function markRefused(db: Queryable, posting: ClaimedMovements, reason: string): Promise<void> {
  await db.query(
    `UPDATE inventory.erp_postings SET status = 'FAILED', failure_reason = $2, last_error = $2, attempts = attempts + 1 WHERE queue_position = $1 AND status = 'QUEUED'`,
    [posting.key, reason.slice(0, 2000)],
  );
}

/** A failed attempt: stays QUEUED, due after `delayMs`. Returns its attempts so far. */
export async function markAttempt(db: Queryable, posting: ClaimedMovements, error: string, delayMs: number): Promise<number> {
  const { rows } = await db.query<{ attempts: number }>(
    `UPDATE inventory.erp_postings SET attempts = attempts + 1, last_error = $2, next_attempt_at = now() + make_interval(secs => $3)
      WHERE queue_position = $1 AND status = 'QUEUED' RETURNING attempts`,
    [posting.key, error.slice(0, 2000), delayMs / 1000],
  );
  return rows[0]?.attempts ?? posting.attempts + 1;
}

/** Pauses the whole queue for `pauseMs`, in every instance. */
export async function pauseMovements(db: Queryable, pauseMs: number): Promise<void> {
  await db.query(
    `UPDATE inventory.erp_posting_queue SET consecutive_failures = consecutive_failures + 1, paused_until = greatest(paused_until, now() + make_interval(secs => $1))`,
    [pauseMs / 1000],
  );
}

/** Unavailable rounds since the last posting booked. */
export async function movementFailures(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ consecutive_failures: number }>(`SELECT consecutive_failures FROM inventory.erp_posting_queue`);
  return rows[0]?.consecutive_failures ?? 0;
}

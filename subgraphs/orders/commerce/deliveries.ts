import type { Db, Queryable } from '../../../platform/db';

/**
 * SQL over `orders.commerce_deliveries`, the webhook inbox (migrations/012_commerce_intake.sql):
 * a verified delivery is stored PENDING, applied by the intake worker (APPLIED or IGNORED), or
 * FAILED with its reason for an operator to look at and retry.
 */

/** Where a delivery stands. */
export type DeliveryStatus = 'PENDING' | 'APPLIED' | 'IGNORED' | 'FAILED';

/** A stored delivery, as operators see it. */
export interface DeliveryRecord {
  id: string;
  source: string;
  deliveryId: string;
  topic: string;
  status: DeliveryStatus;
  attempts: number;
  receivedAt: Date;
  nextAttemptAt: Date | null;
  appliedAt: Date | null;
  lastError: string | null;
  outcome: Record<string, unknown> | null;
}

/** A delivery the worker claimed, with its body. */
export interface ClaimedDelivery {
  id: string;
  source: string;
  deliveryId: string;
  topic: string;
  body: Buffer;
  attempts: number;
}

/** Longest error text kept on a delivery (the column's CHECK). */
export const MAX_ERROR_LENGTH = 4_000;

const COLUMNS = `id::text AS id, source, delivery_id AS "deliveryId", topic, status, attempts, received_at AS "receivedAt",
  CASE WHEN status = 'PENDING' THEN next_attempt_at END AS "nextAttemptAt", applied_at AS "appliedAt", last_error AS "lastError", outcome`;

/** Stores a verified delivery unless its (source, delivery id) is known; true when it is new. */
export async function storeDelivery(db: Queryable, source: string, delivery: { deliveryId: string; topic: string }, body: Buffer): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO orders.commerce_deliveries (source, delivery_id, topic, body) VALUES ($1, $2, $3, $4) ON CONFLICT (source, delivery_id) DO NOTHING`,
    [source, delivery.deliveryId, delivery.topic, body],
  );
  return rowCount > 0;
}

/**
 * Claims up to `limit` due PENDING deliveries, oldest first, and leases them for `leaseMs` (their
 * next attempt moves past the lease), so another worker skips them while this one works; a
 * worker that dies mid-way leaves them to be claimed again when the lease ends.
 */
export async function claimDue(db: Db, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<ClaimedDelivery & Record<string, unknown>>(
      `SELECT id::text AS id, source, delivery_id AS "deliveryId", topic, body, attempts FROM orders.commerce_deliveries
        WHERE status = 'PENDING' AND next_attempt_at <= now() ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    if (rows.length > 0) {
      await tx.query(`UPDATE orders.commerce_deliveries SET next_attempt_at = now() + make_interval(secs => $2) WHERE id = ANY($1::bigint[])`, [
        rows.map((row) => row.id),
        leaseMs / 1000,
      ]);
    }
    return rows;
  });
}

/** Locks a delivery for applying; false when it is no longer PENDING (another worker finished it). */
export async function lockPending(tx: Queryable, id: string): Promise<boolean> {
  const { rows } = await tx.query(`SELECT 1 FROM orders.commerce_deliveries WHERE id = $1 AND status = 'PENDING' FOR UPDATE`, [id]);
  return rows.length > 0;
}

/** Marks a delivery done (APPLIED or IGNORED) with what applying it did. */
export async function markDone(tx: Queryable, id: string, status: 'APPLIED' | 'IGNORED', outcome: Record<string, unknown>): Promise<void> {
  await tx.query(
    `UPDATE orders.commerce_deliveries SET status = $2, outcome = $3, applied_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = $1`,
    [id, status, JSON.stringify(outcome)],
  );
}

/** Records a failed attempt: FAILED for good when `retryInMs` is null, else PENDING again after the delay. */
export async function markAttemptFailed(
  db: Queryable,
  id: string,
  error: string,
  retryInMs: number | null,
  outcome: Record<string, unknown> | null = null,
): Promise<void> {
  await db.query(
    `UPDATE orders.commerce_deliveries SET attempts = attempts + 1, last_error = $2, outcome = coalesce($5::jsonb, outcome),
       status = CASE WHEN $3 THEN 'FAILED' ELSE 'PENDING' END,
       next_attempt_at = now() + make_interval(secs => $4)
     WHERE id = $1 AND status = 'PENDING'`,
    [id, error.slice(0, MAX_ERROR_LENGTH), retryInMs === null, (retryInMs ?? 0) / 1000, outcome ? JSON.stringify(outcome) : null],
  );
}

/** Puts a FAILED delivery back in the queue with fresh attempts; null when it is not FAILED (or unknown). */
export async function requeueFailed(tx: Queryable, id: string): Promise<DeliveryRecord | null> {
  const { rows } = await tx.query<DeliveryRecord & Record<string, unknown>>(
    `UPDATE orders.commerce_deliveries SET status = 'PENDING', attempts = 0, next_attempt_at = now() WHERE id = $1 AND status = 'FAILED' RETURNING ${COLUMNS}`,
    [id],
  );
  return rows[0] ?? null;
}

/** One delivery by id, or null. */
export async function findDelivery(db: Queryable, id: string): Promise<DeliveryRecord | null> {
  const { rows } = await db.query<DeliveryRecord & Record<string, unknown>>(`SELECT ${COLUMNS} FROM orders.commerce_deliveries WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

/** Deliveries newest first, optionally of one status, after the delivery `afterId`; `limit` rows. */
export async function listDeliveries(db: Queryable, filter: { status?: DeliveryStatus; afterId?: string; limit: number }): Promise<DeliveryRecord[]> {
  const { rows } = await db.query<DeliveryRecord & Record<string, unknown>>(
    `SELECT ${COLUMNS} FROM orders.commerce_deliveries
      WHERE ($1::text IS NULL OR status = $1) AND ($2::bigint IS NULL OR id < $2) ORDER BY id DESC LIMIT $3`,
    [filter.status ?? null, filter.afterId ?? null, filter.limit],
  );
  return rows;
}

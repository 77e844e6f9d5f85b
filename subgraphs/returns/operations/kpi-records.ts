import type { Queryable } from '../../../platform/db';
import type { EventEnvelope } from '../../../platform/events/envelope';

/**
 * What the returns KPIs need that the refunds subgraph knows (docs/design/011): recorded in this
 * schema from refunds' events, in the refund-status consumer's transaction, at the events' own
 * `occurredAt` (when it happened, not when we heard of it).
 */

/** Manual actions learnt from refund events (the `return_manual_actions.kind` values). */
export type EventManualAction = 'MANUAL_REFUND' | 'REFUND_AWAITED_APPROVAL' | 'REFUND_FAILED' | 'REFUND_REQUIRES_ACTION';

/** Records that a person had to act on the return's refund; once per kind and event, however often it is delivered. */
export async function recordManualAction(tx: Queryable, returnId: string | null, kind: EventManualAction, event: EventEnvelope): Promise<void> {
  if (!returnId) return;
  await tx.query(
    `INSERT INTO returns.return_manual_actions (return_id, kind, source, occurred_at)
     SELECT id, $2, $3, $4 FROM returns.returns WHERE id = $1
     ON CONFLICT DO NOTHING`,
    [returnId, kind, event.id, event.occurredAt],
  );
}

/**
 * Stamps when the return's refund succeeded or its memo was posted: the latest such event of its
 * refunds, since a return's money side is done when its last refund is.
 */
export async function recordRefundMilestone(
  tx: Queryable,
  returnId: string | null,
  column: 'refund_succeeded_at' | 'memo_posted_at',
  event: EventEnvelope,
): Promise<void> {
  if (!returnId) return;
  await tx.query(`UPDATE returns.returns SET ${column} = GREATEST(coalesce(${column}, $2), $2) WHERE id = $1`, [returnId, event.occurredAt]);
}

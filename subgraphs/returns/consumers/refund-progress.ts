import type { WriteTx } from '../../../platform/write-path/write-tx';
import type { ConsumerDefinition } from '../../../platform/events/consumer';
import { on } from '../../../platform/events/handlers';
import { CreditMemoPosted, RefundFailed, RefundRequested, RefundRequiresAction, RefundSucceeded } from '../../../contracts/events/refunds';
import { recordManualAction, recordRefundMilestone } from '../operations/kpi-records';
import { lockReturn } from '../lifecycle/lifecycle-queries';
import { completeIfSettled } from '../lifecycle/completion';

/** Order of the financial states: an older event arriving late never moves a return back. */
const RANK: Record<string, number> = { NOT_STARTED: 0, FAILED: 1, PENDING: 2, REFUNDED: 3, SETTLED: 4 };

/** The principal the completion hook records on the timeline. */
const SYSTEM = { subject: 'system:returns.refund-status', roles: ['service' as const], storeIds: [] };

/**
 * Keeps the return's financial state in step with its refund (requested → refunded → settled, or
 * failed) and closes the loop: once the credit memo is posted, the completion hook completes the
 * return if every unit has a disposition.
 */
export const refundStatusConsumer: ConsumerDefinition = {
  name: 'returns.refund-status',
  schema: 'returns',
  // The return's financial state each refund event leads to.
  handlers: [
    // Each also records what the KPIs need (operations/kpi-records.ts): milestones and manual actions.
    on(RefundRequested, async (tx, refund, event) => {
      if (refund.trigger === 'MANUAL') await recordManualAction(tx, refund.returnId, 'MANUAL_REFUND', event);
      if (refund.awaitingApproval) await recordManualAction(tx, refund.returnId, 'REFUND_AWAITED_APPROVAL', event);
      await follow(tx, refund.returnId, 'PENDING');
    }),
    on(RefundSucceeded, async (tx, refund, event) => {
      await recordRefundMilestone(tx, refund.returnId, 'refund_succeeded_at', event);
      await follow(tx, refund.returnId, 'REFUNDED');
    }),
    on(RefundFailed, async (tx, refund, event) => {
      await recordManualAction(tx, refund.returnId, 'REFUND_FAILED', event);
      await follow(tx, refund.returnId, 'FAILED');
    }),
    on(RefundRequiresAction, (tx, refund, event) => recordManualAction(tx, refund.returnId, 'REFUND_REQUIRES_ACTION', event)),
    on(CreditMemoPosted, async (tx, refund, event) => {
      await recordRefundMilestone(tx, refund.returnId, 'memo_posted_at', event);
      await follow(tx, refund.returnId, 'SETTLED');
    }),
  ],
};

/** Moves the return of a refund (if it is one) to the financial state `next`, unless it is already further. */
async function follow(tx: WriteTx, returnId: string | null, next: string): Promise<void> {
  if (!returnId) return;
  const ret = await lockReturn(tx, returnId);
  if (!ret) return;
  // A retried refund may fail and then succeed: FAILED may be left for any later state, and a
  // new request after a failure is PENDING again.
  const moves = (RANK[next] ?? 0) > (RANK[ret.financial_status] ?? 0) || (ret.financial_status === 'FAILED' && next !== 'FAILED');
  if (!moves) return;
  await tx.query(`UPDATE returns.returns SET financial_status = $2, updated_at = now() WHERE id = $1`, [returnId, next]);
  ret.financial_status = next;
  await completeIfSettled(tx, ret, SYSTEM);
}

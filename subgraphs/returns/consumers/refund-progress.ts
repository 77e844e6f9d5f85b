import type { WriteTx } from '../../../platform/write-path/write-tx';
import type { ConsumerDefinition } from '../../../platform/events/consumer';
import type { EventEnvelope } from '../../../platform/events/envelope';
import { CreditMemoPosted, RefundFailed, RefundRequested, RefundSucceeded } from '../../../contracts/events/refunds';
import { lockReturn } from '../lifecycle/lifecycle-queries';
import { completeIfSettled } from '../lifecycle/completion';

/** The return's financial state each refund event leads to. */
const FINANCIAL_STATE: Record<string, string> = {
  [RefundRequested.type]: 'PENDING',
  [RefundSucceeded.type]: 'REFUNDED',
  [RefundFailed.type]: 'FAILED',
  [CreditMemoPosted.type]: 'SETTLED',
};

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
  types: Object.keys(FINANCIAL_STATE),
  async handle(tx: WriteTx, event: EventEnvelope) {
    const { returnId } = event.data as { returnId: string | null };
    if (!returnId) return;
    const ret = await lockReturn(tx, returnId);
    if (!ret) return;
    const next = FINANCIAL_STATE[event.type] as string;
    // A retried refund may fail and then succeed: FAILED may be left for any later state, and a
    // new request after a failure is PENDING again.
    const moves = (RANK[next] ?? 0) > (RANK[ret.financial_status] ?? 0) || (ret.financial_status === 'FAILED' && next !== 'FAILED');
    if (!moves) return;
    await tx.query(`UPDATE returns.returns SET financial_status = $2, updated_at = now() WHERE id = $1`, [returnId, next]);
    ret.financial_status = next;
    await completeIfSettled(tx, ret, SYSTEM);
  },
};

import type { WriteTx } from '../../../platform/write-path/write-tx';
import type { Principal } from '../../../platform/auth';
import { ReturnCompleted } from '../../../contracts/events/returns';
import { applyTransition } from './transitions';
import type { ReturnForUpdate } from './lifecycle-queries';

/**
 * The financial state that settles a return: the refund succeeded and its credit memo is posted
 * (driven by `consumers/refund-status.ts` from the refunds subgraph's events).
 */
const SETTLED = ['SETTLED'];

/**
 * THE COMPLETION HOOK. A return is COMPLETED only when every unit has a disposition (status
 * INSPECTED) and its financial side is settled. Called after the last inspection and by the
 * refund-status consumer after the financial status changes; each caller holds the return's row lock. Completes and emits `ReturnCompleted` when both hold; otherwise
 * does nothing.
 */
export async function completeIfSettled(tx: WriteTx, ret: ReturnForUpdate, principal: Principal): Promise<boolean> {
  if (ret.status !== 'INSPECTED' || !SETTLED.includes(ret.financial_status)) return false;
  const header = await applyTransition(tx, ret, 'complete', { principal, channel: ret.channel, storeId: ret.store_id });
  if (!header) return false;
  await tx.emit(ReturnCompleted, ret.id, header);
  return true;
}

import type { Db } from '../../platform/db';
import { readScope, type Principal } from '../../platform/auth';
import { groupLoader, rowLoader } from '../../platform/graphql/loaders';
import { linesByRefundIds, refundsByIds, refundsByOrderIds, refundsByReturnIds, tendersByRefundIds } from './read-model';

/** Per-request loaders of the refunds subgraph; tenancy is applied inside, from the principal. */
export function refundsLoaders(db: Db, principal: Principal) {
  const scope = readScope(principal);
  return {
    refundById: rowLoader(
      (ids: readonly string[]) => refundsByIds(db, ids, scope),
      (row) => row.id,
    ),
    refundsByOrderId: groupLoader(
      (ids: readonly string[]) => refundsByOrderIds(db, ids, scope),
      (row) => row.order_id,
    ),
    refundsByReturnId: groupLoader(
      (ids: readonly string[]) => refundsByReturnIds(db, ids, scope),
      (row) => row.return_id ?? '',
    ),
    linesByRefundId: groupLoader(
      (ids: readonly string[]) => linesByRefundIds(db, ids),
      (row) => row.refund_id,
    ),
    tendersByRefundId: groupLoader(
      (ids: readonly string[]) => tendersByRefundIds(db, ids),
      (row) => row.refund_id,
    ),
  };
}

export type RefundsLoaders = ReturnType<typeof refundsLoaders>;

import type { Db } from '../../platform/db';
import { readScope, type Principal } from '../../platform/auth';
import { groupLoader, rowLoader } from '../../platform/graphql/loaders';
import { mirrorsByReturnIds } from './commerce/mirror-reads';
import { dispositionsByLineIds, linesByReturnIds, returnsByIds, returnsByOrderIds, timelinesByReturnIds } from './read-model';

/** Per-request loaders of the returns subgraph; tenancy is applied inside, from the principal. */
export function returnsLoaders(db: Db, principal: Principal) {
  const scope = readScope(principal);
  return {
    scope,
    returnById: rowLoader(
      (ids: readonly string[]) => returnsByIds(db, ids, scope),
      (row) => row.id,
    ),
    returnsByOrderId: groupLoader(
      (ids: readonly string[]) => returnsByOrderIds(db, ids, scope),
      (row) => row.order_id,
    ),
    linesByReturnId: groupLoader(
      (ids: readonly string[]) => linesByReturnIds(db, ids),
      (row) => row.return_id,
    ),
    dispositionsByLineId: groupLoader(
      (ids: readonly string[]) => dispositionsByLineIds(db, ids),
      (row) => row.return_line_id,
    ),
    commerceMirrorByReturnId: rowLoader(
      (ids: readonly string[]) => mirrorsByReturnIds(db, ids),
      (row) => row.return_id,
    ),
    timelineByReturnId: groupLoader(
      (ids: readonly string[]) => timelinesByReturnIds(db, ids),
      (row) => row.return_id,
    ),
  };
}

export type ReturnsLoaders = ReturnType<typeof returnsLoaders>;

import type { Db } from '../../platform/db';
import type { ErpConnector } from './port';
import { ReferenceErp } from './reference/reference-erp';
import { ThrottledErp } from './throttled-erp';

const perDatabase = new WeakMap<object, ErpConnector>();

/**
 * The ERP this process posts to: the reference ERP (the embedded default's system of record, in
 * its own schema), behind one throttle shared by every subgraph in the process, so the rate limit
 * and concurrency cap hold for the process as a whole. A NetSuite connector would be chosen here
 * by configuration (not built yet).
 */
export function defaultErp(db: Db): ErpConnector {
  let erp = perDatabase.get(db);
  if (!erp) {
    erp = new ThrottledErp(new ReferenceErp(db));
    perDatabase.set(db, erp);
  }
  return erp;
}

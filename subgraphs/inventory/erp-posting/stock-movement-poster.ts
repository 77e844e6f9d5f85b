import type { Db } from '../../../platform/db';
import { OrderedDrain, type OrderedDrainOptions } from '../../../platform/posting-queue/ordered-drain';
import { inCallSpan } from '../../../platform/telemetry/spans';
import { erpFailureKind, type ErpConnector } from '../../../connectors/erp/port';
import { claimMovements, markAttempt, markPosted, markRefused, movementFailures, pauseMovements, type ClaimedMovements } from './posting-queue';

/**
 * Drains the stock-movement posting queue (recorded by the erp-sync consumer) oldest first through
 * the ERP connector: booked → POSTED; refused → FAILED with the reason; unavailable → stays QUEUED
 * and the queue pauses, for ever; anything else → this posting alone backs off. The ERP books a
 * movement once by its id, so a posting sent twice (a lease that ran out) books nothing twice.
 */
export class StockMovementPoster extends OrderedDrain<ClaimedMovements, number> {
  constructor(db: Db, erp: ErpConnector, options: OrderedDrainOptions = {}) {
    super(
      'StockMovementPoster',
      {
        claim: (limit, leaseMs) => claimMovements(db, limit, leaseMs),
        sent: (posting) => markPosted(db, posting),
        refused: (posting, reason) => markRefused(db, posting, reason),
        attempt: (posting, error, delayMs) => markAttempt(db, posting, error, delayMs),
        pause: (pauseMs) => pauseMovements(db, pauseMs),
        consecutiveFailures: () => movementFailures(db),
      },
      (posting) => inCallSpan('erp.postStockMovements', () => erp.postStockMovements(posting.movements)),
      erpFailureKind,
      options,
    );
  }
}

import type { Db } from '../../../platform/db';
import { writeTransaction } from '../../../platform/write-path/write-tx';
import { inCallSpan } from '../../../platform/telemetry/spans';
import { OrderedDrain, type OrderedDrainOptions } from '../../../platform/posting-queue/ordered-drain';
import { erpFailureKind, type ErpConnector, type ErpCreditMemoPosting } from '../../../connectors/erp/port';
import { claimPostings, consecutiveFailures, pauseQueue, recordAttempt, recordPosted, recordRefused, type ClaimedPosting } from './posting-queue';

/** How the poster behaves: `OrderedDrainOptions` (`exceptionAfterAttempts` is `ERP_POSTING_EXCEPTION_AFTER_ATTEMPTS`, default 5). */
export type CreditMemoPosterOptions = OrderedDrainOptions;

/**
 * Drains the ERP posting queue of credit memos (recorded by the credit-memo consumer) oldest
 * first, through the ERP connector, whose shared limiter serves them in queue order
 * (`platform/posting-queue/ordered-drain.ts` has the rounds and the backoff):
 * - booked → POSTED with the ERP's reference, `CreditMemoPosted` emitted, one transaction;
 * - refused (`ErpRefusedError`, an invalid or conflicting memo) → FAILED with the reason;
 * - unavailable → stays QUEUED, the whole queue pauses (the ERP's Retry-After at least), for ever;
 * - anything else → stays QUEUED, this posting alone backs off.
 * Several instances drain one queue: claims are leased rows (`FOR UPDATE SKIP LOCKED`).
 */
export class CreditMemoPoster extends OrderedDrain<ClaimedPosting, ErpCreditMemoPosting> {
  constructor(db: Db, erp: ErpConnector, options: CreditMemoPosterOptions = {}) {
    super(
      'CreditMemoPoster',
      {
        claim: (limit, leaseMs) => claimPostings(db, limit, leaseMs),
        sent: async (posting, answer) => {
          await writeTransaction(db, 'refunds', (tx) => recordPosted(tx, posting, answer.erpReference));
        },
        refused: (posting, reason) => recordRefused(db, posting, reason),
        attempt: (posting, error, delayMs) => recordAttempt(db, posting, error, delayMs),
        pause: (pauseMs) => pauseQueue(db, pauseMs),
        consecutiveFailures: () => consecutiveFailures(db),
      },
      (posting) => inCallSpan('erp.postCreditMemo', () => erp.postCreditMemo(posting.memo)),
      erpFailureKind,
      options,
    );
  }
}

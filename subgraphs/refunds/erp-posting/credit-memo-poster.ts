import type { Db } from '../../../platform/db';
import { writeTransaction } from '../../../platform/write-path/write-tx';
import { componentLogger } from '../../../platform/logger';
import { backoffDelay, type BackoffSchedule } from '../../../platform/backoff';
import { runInScope } from '../../../platform/context';
import { ErpRefusedError, ErpUnavailableError, type ErpConnector } from '../../../connectors/erp/port';
import { claimPostings, consecutiveFailures, recordPosted, recordRefused, pauseQueue, recordAttempt, type ClaimedPosting } from './posting-queue';

const log = componentLogger('credit-memo-poster');

/** How often the queue is looked at when the last round found nothing to do. */
export const POSTING_POLL_MS = 100;
/**
 * Postings claimed per round: a few times an ERP's concurrency cap, so the limiter always holds
 * the next in line, yet few enough that a round ends (and the queue is looked at again) within
 * seconds at the default 10 postings a second.
 */
export const POSTING_CLAIM_BATCH = 16;
/**
 * A claimed posting is leased for this long: longer than its wait in the limiter plus an ERP
 * call; a worker that dies loses its lease and the posting comes back (posted again with the same
 * refund id, which the ERP answers as a duplicate).
 */
export const POSTING_LEASE_MS = 120_000;
/**
 * The queue's backoff while the ERP is unavailable: doubling from 1 s to at most 30 s, for ever. The
 * cap bounds how long an ERP back from an outage waits for our first posting, while a long outage
 * costs two calls a minute.
 */
export const DEFAULT_UNAVAILABLE_BACKOFF: BackoffSchedule = { baseDelayMs: 1_000, maxDelayMs: 30_000 };
/** After this many failed attempts a posting is logged as an exception (its attempts and last error are in the graph throughout). */
export const DEFAULT_EXCEPTION_AFTER_ATTEMPTS = 5;

/**
 * Errors the port documents as definitive: retrying the memo unchanged cannot succeed.
 * `InvalidCreditMemoError` and `CreditMemoConflictError` live beside the adapters
 * (`connectors/erp/credit-memo.ts`), which a subgraph may not import, so they are known by name.
 */
const REFUSALS = new Set(['ErpRefusedError', 'InvalidCreditMemoError', 'CreditMemoConflictError']);

/** How the poster behaves; every field has a default (above). */
export interface CreditMemoPosterOptions {
  /** Failed attempts after which a posting is an exception (`ERP_POSTING_EXCEPTION_AFTER_ATTEMPTS`). Default 5. */
  exceptionAfterAttempts?: number;
  /** The queue's backoff while the ERP is unavailable. Default 1 s doubling to 30 s. */
  unavailableBackoff?: BackoffSchedule;
  /** Poll interval when idle, ms. Default `POSTING_POLL_MS`. */
  pollMs?: number;
}

/**
 * Drains the ERP posting queue: credit memos recorded by the credit-memo consumer, oldest first,
 * through the ERP connector (the shared limiter's turn order keeps them in queue order). Each
 * outcome is its own transaction:
 * - booked → POSTED with the ERP's reference, `CreditMemoPosted` emitted;
 * - refused (`ErpRefusedError`, an invalid or conflicting memo) → FAILED with the reason;
 * - unavailable → stays QUEUED, the whole queue pauses (the ERP's Retry-After at least), for ever;
 * - anything else → stays QUEUED, this posting alone backs off.
 * Several instances drain one queue: claims are leased rows (`FOR UPDATE SKIP LOCKED`).
 */
export class CreditMemoPoster {
  private timer?: NodeJS.Timeout;
  private round?: Promise<void>;
  private readonly exceptionAfterAttempts: number;
  private readonly backoff: BackoffSchedule;
  private readonly pollMs: number;

  constructor(
    private readonly db: Db,
    private readonly erp: ErpConnector,
    options: CreditMemoPosterOptions = {},
  ) {
    this.exceptionAfterAttempts = options.exceptionAfterAttempts ?? DEFAULT_EXCEPTION_AFTER_ATTEMPTS;
    if (!Number.isSafeInteger(this.exceptionAfterAttempts) || this.exceptionAfterAttempts < 1) {
      throw new TypeError(`CreditMemoPoster exceptionAfterAttempts must be an integer >= 1, but got: ${String(options.exceptionAfterAttempts)}`);
    }
    this.backoff = options.unavailableBackoff ?? DEFAULT_UNAVAILABLE_BACKOFF;
    if (!(this.backoff.baseDelayMs > 0 && this.backoff.maxDelayMs >= this.backoff.baseDelayMs)) {
      throw new TypeError(
        `CreditMemoPoster unavailableBackoff must have 0 < baseDelayMs <= maxDelayMs, but got: ${JSON.stringify(options.unavailableBackoff)}`,
      );
    }
    this.pollMs = options.pollMs ?? POSTING_POLL_MS;
  }

  start(): void {
    this.timer = setInterval(() => {
      if (this.round) return;
      this.round = this.drain()
        .catch((error: unknown) => log.warn({ err: error }, 'credit memo posting round failed'))
        .finally(() => (this.round = undefined));
    }, this.pollMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.round;
  }

  /** Rounds until the queue has nothing due (or the poster is stopped). */
  private async drain(): Promise<void> {
    while ((await this.runOnce()) > 0 && this.timer);
  }

  /** One round: claims the oldest due postings and posts them, started in queue order. Returns how many it claimed. */
  async runOnce(): Promise<number> {
    const postings = await claimPostings(this.db, POSTING_CLAIM_BATCH, POSTING_LEASE_MS);
    // Every call enters the ERP connector now, in queue order; its limiter serves them in that order.
    const unavailable = await Promise.all(postings.map((posting) => runInScope({ correlationId: posting.correlationId }, () => this.post(posting))));
    const retryAfter = unavailable.filter((answer): answer is ErpUnavailableError => answer !== undefined);
    if (retryAfter.length > 0) {
      // One pause per round, however many of its postings heard "unavailable": the backoff counts outages, not postings.
      const failures = (await consecutiveFailures(this.db)) + 1;
      const pauseMs = Math.max(...retryAfter.map((error) => error.retryAfterMs ?? 0), backoffDelay(this.backoff, failures));
      await pauseQueue(this.db, pauseMs);
    }
    return postings.length;
  }

  /** Posts one memo and records the outcome; returns the error when the ERP was unavailable. */
  private async post(posting: ClaimedPosting): Promise<ErpUnavailableError | undefined> {
    let erpReference: string;
    try {
      erpReference = (await this.erp.postCreditMemo(posting.memo)).erpReference;
    } catch (error) {
      return this.recordError(posting, error);
    }
    await writeTransaction(this.db, 'refunds', (tx) => recordPosted(tx, posting, erpReference));
    return undefined;
  }

  private async recordError(posting: ClaimedPosting, error: unknown): Promise<ErpUnavailableError | undefined> {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    if (error instanceof ErpRefusedError || (error instanceof Error && REFUSALS.has(error.name))) {
      const code = error instanceof ErpRefusedError ? ` (${error.code})` : '';
      await recordRefused(this.db, posting, `${message}${code}`);
      log.error({ refund: posting.refundId, err: error }, 'credit memo refused by the ERP: FAILED, a person must look');
      return undefined;
    }
    const unavailable = error instanceof ErpUnavailableError;
    // Unavailable: due again as soon as the queue resumes; anything else: this posting alone backs off.
    const delayMs = unavailable ? 0 : backoffDelay(this.backoff, posting.attempts + 1);
    const attempts = await recordAttempt(this.db, posting, message, delayMs);
    if (attempts >= this.exceptionAfterAttempts) {
      log.error({ refund: posting.refundId, attempts, err: error }, 'credit memo posting is an exception: still not booked, still queued');
    }
    return unavailable ? error : undefined;
  }
}

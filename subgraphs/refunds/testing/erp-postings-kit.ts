/**
 * Test and bench helpers for the ERP posting queue: queued postings written straight into the
 * refunds schema (through the same `recordPosting` the credit-memo consumer uses), an ERP wrapper
 * that goes down on command and answers 429s at random, and readers of the queue.
 */
import type { Db, Queryable } from '../../../platform/db';
import { newId } from '../../../platform/ids';
import { testCreditMemo } from '../../../connectors/erp/testing/erp-kit';
import { ErpUnavailableError, type ErpConnector, type ErpCreditMemo, type ErpCreditMemoPosting, type ErpStockMovement } from '../../../connectors/erp/port';
import { recordPosting } from '../erp-posting/posting-queue';

/**
 * Faults an ERP under test produces itself (a fake's outage and 429 storms, answered over HTTP as
 * the vendor does), and what it counted of them. Without these a test wraps the ERP in a `FlakyErp`,
 * which implements them at the connector's edge.
 */
export interface ErpFaults {
  /** From now, for `ms`, every call fails as unavailable (503). */
  goDown(ms: number): void;
  /** The next `n` requests are answered 429. */
  storm(n: number): void;
  /** Requests refused while down (503s), and answered 429 (storms and the ERP's own limits), so far. */
  counts(): { refusedWhileDown: number; tooManyRequests: number };
}

/** An ERP as a fault test or bench runs it: the connector, and a reader of its books. */
export interface ErpUnderTest {
  erp: ErpConnector;
  /** How many credit memos the ERP's books hold for each of `refundIds` (absent = none). */
  booked(refundIds: readonly string[]): Promise<Map<string, number>>;
  /** The ERP's own fault injection (a fake's); absent = the test wraps the connector in a `FlakyErp`. */
  faults?: ErpFaults;
  /** Refund ids in the order the ERP booked their memos (a fake's journal); optional. */
  bookingOrder?(): readonly string[];
  /** Stops what the factory started (a fake server); optional. */
  close?(): Promise<void>;
}

/** Builds an ERP under test over the test's database; the reference ERP's is `referenceErpUnderTest`. */
export type ErpUnderTestFactory = (db: Db) => Promise<ErpUnderTest>;

/** Counts the memos of `refundIds` in the reference ERP's books (`erp.credit_memos`). */
export async function referenceBooks(db: Queryable, refundIds: readonly string[]): Promise<Map<string, number>> {
  const { rows } = await db.query<{ refund_id: string; n: number }>(
    `SELECT refund_id, count(*)::int8 AS n FROM erp.credit_memos WHERE refund_id = ANY($1) GROUP BY refund_id`,
    [refundIds],
  );
  return new Map(rows.map((row) => [row.refund_id, Number(row.n)]));
}

/**
 * Queues `count` succeeded refunds' credit memos, in order (the first gets the lowest queue
 * position): refund rows, QUEUED memo rows as the status roll-up writes them, then the posting as
 * the consumer records it. Returns the refund ids in queue order.
 */
export async function queueTestPostings(db: Db, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const memo: ErpCreditMemo = testCreditMemo({ refundId: newId('rfd'), orderId: newId('ord'), returnId: null });
    await db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO refunds.refunds (id, order_id, return_id, status, amount_minor, currency, customer_id) VALUES ($1, $2, NULL, 'SUCCEEDED', $3, $4, 'cus_test')`,
        [memo.refundId, memo.orderId, memo.totalMinor, memo.currency],
      );
      await tx.query(`INSERT INTO refunds.credit_memos (refund_id, status, amount_minor, tax_minor, currency) VALUES ($1, 'QUEUED', $2, 640, $3)`, [
        memo.refundId,
        memo.totalMinor,
        memo.currency,
      ]);
      await recordPosting(tx, memo, newId('evt'), `test:${memo.refundId}`);
    });
    ids.push(memo.refundId);
  }
  return ids;
}

/** Memos still QUEUED, and FAILED, among `refundIds`. */
export async function queueState(db: Queryable, refundIds: readonly string[]): Promise<{ queued: number; failed: number; posted: number }> {
  const { rows } = await db.query<{ status: string; n: number }>(
    `SELECT status, count(*)::int8 AS n FROM refunds.credit_memos WHERE refund_id = ANY($1) GROUP BY status`,
    [refundIds],
  );
  const of = (status: string) => Number(rows.find((row) => row.status === status)?.n ?? 0);
  return { queued: of('QUEUED'), failed: of('FAILED'), posted: of('POSTED') };
}

/** Options of a `FlakyErp`. */
export interface FlakyErpOptions {
  /** Share of calls answered with a 429-like `ErpUnavailableError` (Retry-After `retryAfterMs`), 0..1. */
  rate429?: number;
  /** The Retry-After of those 429s. */
  retryAfterMs?: number;
  /** A seeded random source, so a failure replays. */
  random?: () => number;
}

/**
 * Wraps an ERP: while `down`, every call fails with `ErpUnavailableError` (a 503) without reaching
 * it; otherwise a storm's calls, then a share of calls, get a 429. Records the order in which it
 * first saw each refund (whatever the answer) and every call that reached the ERP. With no options
 * and no faults called it only records: a fake's own faults stay behind it.
 */
export class FlakyErp implements ErpConnector, ErpFaults {
  down = false;
  private stormLeft = 0;
  /** Refund ids in the order of their first call, whatever its answer. */
  readonly firstSeen: string[] = [];
  private readonly seen = new Set<string>();
  /** Calls that reached the inner ERP. */
  passed = 0;
  /** Calls refused while down. */
  refusedWhileDown = 0;
  /** Calls answered with a 429. */
  tooManyRequests = 0;

  constructor(
    private readonly inner: ErpConnector,
    private readonly options: FlakyErpOptions = {},
  ) {}

  postStockMovements(movements: readonly ErpStockMovement[]): Promise<number> {
    this.refuse();
    return this.inner.postStockMovements(movements);
  }

  async postCreditMemo(memo: ErpCreditMemo): Promise<ErpCreditMemoPosting> {
    if (!this.seen.has(memo.refundId)) {
      this.seen.add(memo.refundId);
      this.firstSeen.push(memo.refundId);
    }
    this.refuse();
    this.passed += 1;
    return this.inner.postCreditMemo(memo);
  }

  goDown(ms: number): void {
    this.down = true;
    setTimeout(() => (this.down = false), ms).unref();
  }

  storm(n: number): void {
    this.stormLeft = n;
  }

  counts(): { refusedWhileDown: number; tooManyRequests: number } {
    return { refusedWhileDown: this.refusedWhileDown, tooManyRequests: this.tooManyRequests };
  }

  private refuse(): void {
    if (this.down) {
      this.refusedWhileDown += 1;
      throw new ErpUnavailableError('503 Service Unavailable: the ERP is down for maintenance');
    }
    if (this.stormLeft > 0 || (this.options.random ?? Math.random)() < (this.options.rate429 ?? 0)) {
      this.stormLeft = Math.max(0, this.stormLeft - 1);
      this.tooManyRequests += 1;
      throw new ErpUnavailableError('429 Too Many Requests', this.options.retryAfterMs ?? 100);
    }
  }
}

/** A small seeded PRNG (mulberry32): the same seed, the same 429s. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

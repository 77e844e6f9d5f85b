import { PostgresDb } from '../../../platform/db';
import { startSubgraph, type RunningSubgraph } from '../../../platform/subgraph';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { subgraphRequest, testInternalTokens } from '../../../test/support/subgraph-client';
import { principals } from '../../../test/support/principals';
import { testSubgraph } from '../../../test/support/subgraphs';
import { ReferenceErp } from '../../../connectors/erp/reference/reference-erp';
import { InvalidCreditMemoError } from '../../../connectors/erp/credit-memo';
import { SharedErpLimiter } from '../../../connectors/erp/limiter/shared-limiter';
import { SharedThrottledErp } from '../../../connectors/erp/limiter/shared-throttled-erp';
import { ErpRefusedError, ErpUnavailableError, type ErpConnector, type ErpCreditMemo } from '../../../connectors/erp/port';
import { CreditMemoPoster } from './credit-memo-poster';
import { queueState, queueTestPostings, referenceBooks } from '../testing/erp-postings-kit';

let database: TestDatabase;
let subgraph: RunningSubgraph;
const pools: PostgresDb[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  // No pipeline: the subgraph's own poster does not run; each test drives its own.
  subgraph = await startSubgraph(testSubgraph('refunds', database.db), { db: database.db, internalTokens: testInternalTokens, port: 0 });
});
afterAll(async () => {
  await subgraph.close();
  for (const pool of pools) await pool.close();
  await database.drop();
});

// Each test starts from an empty queue: what an earlier test left QUEUED on purpose is set aside.
beforeEach(async () => {
  await database.db.query(`UPDATE refunds.credit_memos SET next_attempt_at = 'infinity' WHERE status = 'QUEUED'`);
  await database.db.query(`UPDATE refunds.erp_posting_queue SET paused_until = '-infinity', consecutive_failures = 0`);
});

/** An ERP that answers each refund with what `answer` says, and records what it was sent. */
function scriptedErp(answer: (memo: ErpCreditMemo) => Error | undefined): ErpConnector & { sent: string[] } {
  const inner = new ReferenceErp(database.db);
  const sent: string[] = [];
  return {
    sent,
    postStockMovements: (movements) => inner.postStockMovements(movements),
    postCreditMemo: (memo) => {
      sent.push(memo.refundId);
      const error = answer(memo);
      return error ? Promise.reject(error) : inner.postCreditMemo(memo);
    },
  };
}

const memoOf = async (refundId: string) =>
  (
    await database.db.query<{ status: string; attempts: number; last_error: string | null; failure_reason: string | null }>(
      `SELECT status, attempts, last_error, failure_reason FROM refunds.credit_memos WHERE refund_id = $1`,
      [refundId],
    )
  ).rows[0];

describe('CreditMemoPoster', () => {
  it('marks a memo the ERP refuses FAILED with the reason, shown in Refund.creditMemo, and goes on with the rest', async () => {
    const [refused, invalid, fine] = await queueTestPostings(database.db, 3);
    const erp = scriptedErp((memo) => {
      if (memo.refundId === refused) return new ErpRefusedError('Invalid customer reference', 'INVALID_KEY_OR_REF');
      if (memo.refundId === invalid) return new InvalidCreditMemoError('credit memo is invalid: totals', ['totals']);
      return undefined;
    });
    expect(await new CreditMemoPoster(database.db, erp).runOnce()).toBe(3);

    expect(await memoOf(refused as string)).toEqual({
      status: 'FAILED',
      attempts: 1,
      last_error: 'ErpRefusedError: Invalid customer reference (INVALID_KEY_OR_REF)',
      failure_reason: 'ErpRefusedError: Invalid customer reference (INVALID_KEY_OR_REF)',
    });
    expect(await memoOf(invalid as string)).toMatchObject({ status: 'FAILED', failure_reason: 'InvalidCreditMemoError: credit memo is invalid: totals' });
    expect(await memoOf(fine as string)).toMatchObject({ status: 'POSTED', attempts: 1, last_error: null });
    const response = await subgraphRequest<{ refund: { creditMemo: { status: string; attempts: number; failureReason: string | null } } }>(
      subgraph.url,
      principals.finance(),
      `{ refund(id: "${refused}") { creditMemo { status attempts lastError failureReason } } }`,
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?.refund.creditMemo).toEqual({
      status: 'FAILED',
      attempts: 1,
      lastError: expect.stringContaining('INVALID_KEY_OR_REF'),
      failureReason: expect.stringContaining('INVALID_KEY_OR_REF'),
    });
  });

  it('keeps postings QUEUED while the ERP is unavailable, pauses the whole queue for its Retry-After, then posts the oldest first', async () => {
    const ids = await queueTestPostings(database.db, 4);
    let down = true;
    const erp = scriptedErp(() => (down ? new ErpUnavailableError('503 Service Unavailable', 800) : undefined));
    // A short backoff of our own, so the pause is the ERP's 800 ms Retry-After.
    const poster = new CreditMemoPoster(database.db, erp, { unavailableBackoff: { baseDelayMs: 100, maxDelayMs: 100 } });
    await poster.runOnce();

    expect(await queueState(database.db, ids)).toEqual({ queued: 4, failed: 0, posted: 0 });
    expect(await memoOf(ids[0] as string)).toMatchObject({ status: 'QUEUED', attempts: 1, last_error: 'ErpUnavailableError: 503 Service Unavailable' });
    // Paused: nothing is claimed, however often the worker looks.
    expect(await poster.runOnce()).toBe(0);
    down = false;
    await new Promise((resolve) => setTimeout(resolve, 850));
    erp.sent.length = 0;
    expect(await poster.runOnce()).toBe(4);

    expect(erp.sent).toEqual(ids);
    expect(await queueState(database.db, ids)).toEqual({ queued: 0, failed: 0, posted: 4 });
  });

  it('backs off only the posting an unknown error hit, for ever, with its attempts and last error', async () => {
    const [broken, fine] = await queueTestPostings(database.db, 2);
    const erp = scriptedErp((memo) => (memo.refundId === broken ? new Error('socket hang up') : undefined));
    const poster = new CreditMemoPoster(database.db, erp, { exceptionAfterAttempts: 1 });
    expect(await poster.runOnce()).toBe(2);
    // The other posting went on; the broken one waits for its own backoff, still QUEUED.
    expect(await memoOf(fine as string)).toMatchObject({ status: 'POSTED' });
    expect(await memoOf(broken as string)).toEqual({ status: 'QUEUED', attempts: 1, last_error: 'Error: socket hang up', failure_reason: null });
    expect(await poster.runOnce()).toBe(0);
  });

  it('lets three instances drain one queue with every memo booked once and one CreditMemoPosted each', async () => {
    const ids = await queueTestPostings(database.db, 90);
    const posters = [0, 1, 2].map(() => {
      const pool = new PostgresDb({ connectionString: database.url, maxConnections: 3 });
      pools.push(pool);
      const limiter = new SharedErpLimiter(pool, { accountKey: 'three-posters', requestsPerSecond: 500, burst: 10, maxConcurrency: 4 });
      return new CreditMemoPoster(pool, new SharedThrottledErp(new ReferenceErp(pool), limiter), { pollMs: 10 });
    });
    for (const poster of posters) poster.start();
    const deadline = Date.now() + 20_000;
    while ((await queueState(database.db, ids)).queued > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    for (const poster of posters) await poster.stop();

    expect(await queueState(database.db, ids)).toEqual({ queued: 0, failed: 0, posted: 90 });
    const books = await referenceBooks(database.db, ids);
    expect(ids.filter((id) => books.get(id) !== 1)).toEqual([]);
    const { rows } = await database.db.query<{ n: number }>(
      `SELECT count(*)::int8 AS n FROM refunds.outbox WHERE type = 'CreditMemoPosted' AND aggregate_id = ANY($1)`,
      [ids],
    );
    expect(Number(rows[0]?.n)).toBe(90);
  });

  it('refuses bad options by name', () => {
    expect(() => new CreditMemoPoster(database.db, new ReferenceErp(database.db), { exceptionAfterAttempts: 0 })).toThrow(
      /exceptionAfterAttempts must be an integer >= 1, but got: 0/,
    );
    expect(() => new CreditMemoPoster(database.db, new ReferenceErp(database.db), { unavailableBackoff: { baseDelayMs: 0, maxDelayMs: 1 } })).toThrow(
      /unavailableBackoff must have 0 < baseDelayMs <= maxDelayMs/,
    );
  });
});

import { PostgresDb } from '../../../platform/db';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { testCreditMemo } from '../testing/erp-kit';
import { ErpUnavailableError, type ErpConnector, type ErpCreditMemo, type ErpCreditMemoPosting, type ErpStockMovement } from '../port';
import { ReferenceErp } from '../reference/reference-erp';
import { SharedErpLimiter } from './shared-limiter';
import { SharedThrottledErp } from './shared-throttled-erp';

/** Slack for timer granularity: a start may come a few ms early or late relative to another instance's. */
const TIMER_SLACK_MS = 5;

let database: TestDatabase;
const pools: PostgresDb[] = [];
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  for (const pool of pools) await pool.close();
  await database.drop();
});

/** An instance's own connection pool to the shared database, as a separate process would have. */
function instancePool(): PostgresDb {
  const pool = new PostgresDb({ connectionString: database.url, maxConnections: 3 });
  pools.push(pool);
  return pool;
}

/** The ERP side, shared by every instance: counts calls inside it and when each started. */
class ErpProbe implements ErpConnector {
  inside = 0;
  maxInside = 0;
  readonly starts: number[] = [];
  constructor(
    private readonly inner: ErpConnector,
    private readonly latencyMs: number,
  ) {}
  private async measure<T>(call: () => Promise<T>): Promise<T> {
    this.inside += 1;
    this.maxInside = Math.max(this.maxInside, this.inside);
    this.starts.push(performance.now());
    try {
      await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
      return await call();
    } finally {
      this.inside -= 1;
    }
  }
  postStockMovements(movements: readonly ErpStockMovement[]): Promise<number> {
    return this.measure(() => this.inner.postStockMovements(movements));
  }
  postCreditMemo(memo: ErpCreditMemo): Promise<ErpCreditMemoPosting> {
    return this.measure(() => this.inner.postCreditMemo(memo));
  }
}

/** The most starts in any window of `windowMs` (sliding, anchored at each start). */
function maxStartsInWindow(starts: readonly number[], windowMs: number): number {
  const sorted = [...starts].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i += 1) {
    while (sorted[i]! - sorted[j]! >= windowMs - TIMER_SLACK_MS) j += 1;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

const account = (name: string) => `${name}-${Math.random().toString(36).slice(2, 8)}`;

describe('SharedErpLimiter across instances', () => {
  it('keeps three instances together within one rate and one concurrency cap, dropping nothing', async () => {
    const limits = { requestsPerSecond: 20, burst: 2, maxConcurrency: 3 };
    const accountKey = account('three');
    const probe = new ErpProbe(new ReferenceErp(database.db), 40);
    const instances = [0, 1, 2].map(() => new SharedThrottledErp(probe, new SharedErpLimiter(instancePool(), { accountKey, ...limits })));
    const startedAt = performance.now();
    // 20 postings per instance, all at once: each instance alone would like to go at 20/s.
    const answers = await Promise.all(instances.flatMap((erp) => Array.from({ length: 20 }, () => erp.postCreditMemo(testCreditMemo()))));
    const elapsedMs = performance.now() - startedAt;

    expect(new Set(answers.map((answer) => answer.erpReference)).size).toBe(60);
    expect(probe.maxInside).toBeLessThanOrEqual(3);
    // GCRA: any window of w seconds sees at most burst + rate x w starts.
    expect(maxStartsInWindow(probe.starts, 1_000)).toBeLessThanOrEqual(2 + 20);
    expect(maxStartsInWindow(probe.starts, 250)).toBeLessThanOrEqual(2 + 5);
    // 60 starts at 20/s after a burst of 2: at least 2.9 s, whatever the instances did.
    expect(elapsedMs).toBeGreaterThanOrEqual(((60 - 2) / 20) * 1000 - TIMER_SLACK_MS);
  });

  it('gives a crashed instance slot back when its lease expires', async () => {
    const accountKey = account('crash');
    const options = { accountKey, requestsPerSecond: 1_000, burst: 10, maxConcurrency: 1, leaseTtlMs: 1_000 };
    const crashed = new SharedErpLimiter(instancePool(), options);
    await crashed.acquire(); // never released: the instance "dies" holding the only slot
    const survivor = new SharedErpLimiter(instancePool(), options);
    const startedAt = performance.now();
    const lease = await survivor.acquire();
    const waitedMs = performance.now() - startedAt;
    await survivor.release(lease);

    expect(waitedMs).toBeGreaterThanOrEqual(900);
    expect(waitedMs).toBeLessThan(3_000);
    expect(survivor.stats().capWaits).toBeGreaterThan(0);
  });

  it("holds every instance back for the ERP's Retry-After", async () => {
    const accountKey = account('hold');
    const options = { accountKey, requestsPerSecond: 1_000, burst: 5, maxConcurrency: 5 };
    const down = { calls: 0 };
    const refusing: ErpConnector = {
      postStockMovements: () => Promise.resolve(0),
      postCreditMemo: () => {
        down.calls += 1;
        return Promise.reject(new ErpUnavailableError('429 Too Many Requests', 600));
      },
    };
    const first = new SharedThrottledErp(refusing, new SharedErpLimiter(instancePool(), options));
    await expect(first.postCreditMemo(testCreditMemo())).rejects.toThrow(ErpUnavailableError);
    const other = new SharedErpLimiter(instancePool(), options);
    const startedAt = performance.now();
    await other.release(await other.acquire());

    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(600 - 50);
    expect(down.calls).toBe(1);
  });

  it('sends none of the calls waiting behind one that found the ERP unavailable', async () => {
    const accountKey = account('outage');
    const limiter = new SharedErpLimiter(instancePool(), { accountKey, requestsPerSecond: 50, burst: 1, maxConcurrency: 1 });
    const seen: string[] = [];
    const once: ErpConnector = {
      postStockMovements: () => Promise.resolve(0),
      postCreditMemo: (memo) => {
        seen.push(memo.refundId);
        return Promise.reject(new ErpUnavailableError('503 Service Unavailable'));
      },
    };
    const erp = new SharedThrottledErp(once, limiter);
    const results = await Promise.allSettled([1, 2, 3].map(() => erp.postCreditMemo(testCreditMemo())));

    expect(results.every((result) => result.status === 'rejected' && result.reason instanceof ErpUnavailableError)).toBe(true);
    expect(seen).toHaveLength(1);
    // The waiters gave up their turn instead of spending a start on a call not sent.
    expect(limiter.stats().acquired).toBe(1);
  });

  it('costs about one round trip per acquire and one per release', async () => {
    const limiter = new SharedErpLimiter(instancePool(), { accountKey: account('cost'), requestsPerSecond: 10_000, burst: 100, maxConcurrency: 100 });
    for (let i = 0; i < 200; i += 1) await limiter.release(await limiter.acquire());
    const stats = limiter.stats();
    const perAcquireMs = stats.roundTripMs / stats.acquired;
    process.stdout.write(
      `shared limiter: ${stats.roundTrips} round trips for ${stats.acquired} acquire+release pairs, ${perAcquireMs.toFixed(2)} ms per pair\n`,
    );

    expect(stats.acquired).toBe(200);
    expect(stats.roundTrips).toBe(400);
    expect(perAcquireMs).toBeLessThan(50);
  });

  it('lists credit memos within the limits only when the ERP behind it can', async () => {
    const limiter = new SharedErpLimiter(database.db, { accountKey: account('list') });
    const postingOnly: ErpConnector = { postStockMovements: () => Promise.resolve(0), postCreditMemo: () => Promise.reject(new Error('not used')) };
    expect(new SharedThrottledErp(postingOnly, limiter).listCreditMemos).toBeUndefined();
    const record = { refundId: 'rfd_x', erpReference: 'CM-9', totalMinor: 100, currency: 'USD', postedAt: new Date(0) };
    const listing: ErpConnector = {
      postStockMovements: () => Promise.resolve(0),
      postCreditMemo: () => Promise.reject(new Error('not used')),
      listCreditMemos: () => Promise.resolve([record]),
    };
    expect(await new SharedThrottledErp(listing, limiter).listCreditMemos?.({ from: new Date(0), to: new Date() })).toEqual([record]);
    expect(limiter.stats().acquired).toBe(1);
  });

  it('refuses bad options by name', () => {
    const db = database.db;
    expect(() => new SharedErpLimiter(db, { accountKey: '' })).toThrow(/accountKey must be 1 to 200 characters/);
    expect(() => new SharedErpLimiter(db, { accountKey: 'a', requestsPerSecond: 0 })).toThrow(/requestsPerSecond must be a number above 0, but got: 0/);
    expect(() => new SharedErpLimiter(db, { accountKey: 'a', maxConcurrency: 1.5 })).toThrow(/maxConcurrency must be an integer >= 1, but got: 1.5/);
    expect(() => new SharedErpLimiter(db, { accountKey: 'a', leaseTtlMs: 10 })).toThrow(/leaseTtlMs must be an integer >= 1000/);
  });
});

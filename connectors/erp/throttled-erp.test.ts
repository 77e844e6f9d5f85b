import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { InvalidCreditMemoError } from './credit-memo';
import { testCreditMemo, testStockMovement } from './testing/erp-kit';
import type { ErpConnector, ErpCreditMemo, ErpCreditMemoPosting, ErpStockMovement } from './port';
import { ReferenceErp } from './reference/reference-erp';
import { ThrottledErp } from './throttled-erp';

/** Slack for timer and clock granularity when asserting a minimum duration. */
const TIMER_SLACK_MS = 5;

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

/** Wraps an ERP and measures, independently of the throttle, how many calls are inside it at once. */
class ConcurrencyProbe implements ErpConnector {
  inside = 0;
  maxInside = 0;
  readonly startTimes: number[] = [];
  constructor(
    private readonly inner: ErpConnector,
    private readonly extraLatencyMs = 0,
  ) {}
  private async measure<T>(call: () => Promise<T>): Promise<T> {
    this.inside += 1;
    this.maxInside = Math.max(this.maxInside, this.inside);
    this.startTimes.push(performance.now());
    try {
      if (this.extraLatencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.extraLatencyMs));
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

describe('ThrottledErp', () => {
  it('posts 50 concurrent memos with none dropped, at most 3 in flight, no faster than 20 per second', async () => {
    const rate = 20;
    const probe = new ConcurrencyProbe(new ReferenceErp(database.db), 30);
    const erp = new ThrottledErp(probe, { requestsPerSecond: rate, maxConcurrency: 3 });
    const memos = Array.from({ length: 50 }, () => testCreditMemo());
    const startedAt = performance.now();
    const pending = memos.map((memo) => erp.postCreditMemo(memo));
    expect(erp.stats().queued).toBe(49); // back-pressure: the first starts, the rest wait, none refused
    const answers = await Promise.all(pending);
    const elapsed = performance.now() - startedAt;

    expect(answers.every((a) => !a.duplicate)).toBe(true);
    expect(new Set(answers.map((a) => a.erpReference)).size).toBe(50);
    const { rows } = await database.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM erp.credit_memos WHERE refund_id = ANY($1)`, [
      memos.map((m) => m.refundId),
    ]);
    expect(rows[0]!.n).toBe(50);
    expect(probe.maxInside).toBeLessThanOrEqual(3);
    // With a bucket of 1, the 49 calls after the first each wait 1/rate s.
    expect(elapsed).toBeGreaterThanOrEqual(((50 - 1) / rate) * 1000 - TIMER_SLACK_MS);
    // No second holds more than the rate plus the bucket: the probe stamps a start a few awaits after
    // the throttle let it go, and on a loaded machine that hop varies, so two consecutive stamps can
    // sit closer than 1/rate while the throttle's own pace held; a one-second window is immune to it.
    for (const start of probe.startTimes) {
      const inWindow = probe.startTimes.filter((other) => other >= start && other < start + 1000).length;
      expect(inWindow).toBeLessThanOrEqual(rate + 2);
    }
    expect(erp.stats()).toMatchObject({ inFlight: 0, queued: 0, started: 50, completed: 50, failed: 0, maxObservedQueue: 49 });
    expect(erp.stats().maxObservedConcurrency).toBeLessThanOrEqual(3);
    expect(erp.stats().maxObservedConcurrency).toBe(probe.maxInside);
  });

  it('reaches the concurrency cap when calls are slower than the rate', async () => {
    const probe = new ConcurrencyProbe(new ReferenceErp(database.db), 200);
    const erp = new ThrottledErp(probe, { requestsPerSecond: 1_000, burst: 10, maxConcurrency: 3 });
    await Promise.all(Array.from({ length: 9 }, () => erp.postStockMovements([testStockMovement()])));
    expect(probe.maxInside).toBe(3);
    expect(erp.stats().maxObservedConcurrency).toBe(3);
  });

  it('lets a burst start at once, then paces the rest', async () => {
    const probe = new ConcurrencyProbe(new ReferenceErp(database.db));
    const erp = new ThrottledErp(probe, { requestsPerSecond: 10, burst: 4, maxConcurrency: 10 });
    const startedAt = performance.now();
    await Promise.all(Array.from({ length: 6 }, () => erp.postStockMovements([testStockMovement()])));
    const offsets = probe.startTimes.map((t) => t - startedAt);
    expect(offsets.slice(0, 4).every((ms) => ms < 50)).toBe(true);
    expect(offsets[5]!).toBeGreaterThanOrEqual(200 - TIMER_SLACK_MS);
  });

  it('posts duplicates idempotently through the throttle', async () => {
    const erp = new ThrottledErp(new ReferenceErp(database.db), { requestsPerSecond: 100, maxConcurrency: 2 });
    const memo = testCreditMemo();
    const answers = await Promise.all([erp.postCreditMemo(memo), erp.postCreditMemo(memo), erp.postCreditMemo(memo)]);
    expect(new Set(answers.map((a) => a.erpReference)).size).toBe(1);
    expect(answers.map((a) => a.duplicate).sort()).toEqual([false, true, true]);
  });

  it('refuses an unbalanced memo at once, without spending a turn', async () => {
    const erp = new ThrottledErp(new ReferenceErp(database.db));
    await expect(erp.postCreditMemo(testCreditMemo({ totalMinor: 1 }))).rejects.toBeInstanceOf(InvalidCreditMemoError);
    expect(erp.stats().started).toBe(0);
  });

  it('hands a failing call its error and frees its slot for the next', async () => {
    let calls = 0;
    const flaky: ErpConnector = {
      async postStockMovements() {
        calls += 1;
        if (calls === 1) throw new Error('ERP answered 503');
        return 1;
      },
      async postCreditMemo() {
        throw new Error('not used');
      },
    };
    const erp = new ThrottledErp(flaky, { requestsPerSecond: 1_000, burst: 5, maxConcurrency: 1 });
    const results = await Promise.allSettled([erp.postStockMovements([]), erp.postStockMovements([]), erp.postStockMovements([])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect((results[0] as PromiseRejectedResult).reason).toEqual(new Error('ERP answered 503'));
    expect(erp.stats()).toMatchObject({ started: 3, completed: 3, failed: 1, inFlight: 0 });
  });

  it('validates its limits at construction, stating the contract and the value received', () => {
    const inner = new ReferenceErp(database.db);
    expect(() => new ThrottledErp(inner, { requestsPerSecond: 0 })).toThrow('ThrottledErp requestsPerSecond must be a number above 0, but got: 0');
    expect(() => new ThrottledErp(inner, { maxConcurrency: 0 })).toThrow('ThrottledErp maxConcurrency must be an integer >= 1, but got: 0');
    expect(() => new ThrottledErp(inner, { burst: 1.5 })).toThrow('ThrottledErp burst must be an integer >= 1, but got: 1.5');
    expect(new ThrottledErp(inner).stats()).toEqual({
      inFlight: 0,
      queued: 0,
      maxObservedConcurrency: 0,
      maxObservedQueue: 0,
      started: 0,
      completed: 0,
      failed: 0,
    });
  });
});

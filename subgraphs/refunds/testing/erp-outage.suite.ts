import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { sleep, waitFor } from '../../../platform/events/testing/bus-kit';
import { SharedErpLimiter } from '../../../connectors/erp/limiter/shared-limiter';
import { SharedThrottledErp } from '../../../connectors/erp/limiter/shared-throttled-erp';
import { CreditMemoPoster } from '../erp-posting/credit-memo-poster';
import { FlakyErp, queueState, queueTestPostings, seededRandom, type ErpUnderTestFactory } from './erp-postings-kit';

/** The fault of the issue: how many postings, how long the ERP is down, and how fast it takes them. */
export interface ErpOutageScenario {
  /** Postings queued before the drain starts. Default 500. */
  postings?: number;
  /** How long the ERP is down, once half the postings are booked. Default 60 s (the figure). */
  outageMs?: number;
  /** The ERP's configured limit, high so the part outside the outage is quick. Default 100/s. */
  requestsPerSecond?: number;
  /** Share of calls answered 429 (Retry-After 100 ms). Default 3 %. */
  rate429?: number;
}

/**
 * A burst of postings with an ERP outage in the middle and random 429s, over any `ErpConnector`
 * (`factory`; the lead runs it over the NetSuite and Business Central fakes too): every memo is
 * booked exactly once (counted in the ERP's books), the ERP first sees the postings in queue
 * order, nothing is dead-lettered or left FAILED, and the queue is empty afterwards.
 */
export function describeErpOutage(name: string, factory: ErpUnderTestFactory, scenario: ErpOutageScenario = {}): void {
  const postings = scenario.postings ?? 500;
  const outageMs = scenario.outageMs ?? 60_000;
  const rate = scenario.requestsPerSecond ?? 100;
  // The outage, the drain at `rate` (twice over for the 429s and backoff) and a minute of slack.
  const timeoutMs = outageMs + (2 * postings * 1000) / rate + 60_000;

  describe(`ERP outage: ${name}`, () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await createTestDatabase();
    });
    afterAll(async () => {
      await database.drop();
    });

    it(
      `books ${postings} memos once each, in queue order, through a ${outageMs / 1000} s outage and random 429s`,
      async () => {
        const underTest = await factory(database.db);
        const flaky = new FlakyErp(underTest.erp, { rate429: scenario.rate429 ?? 0.03, retryAfterMs: 100, random: seededRandom(13) });
        const limiter = new SharedErpLimiter(database.db, { accountKey: `outage:${name}`, requestsPerSecond: rate, burst: 5, maxConcurrency: 4 });
        // The queue's backoff is shortened with the rest; the outage keeps its length.
        const poster = new CreditMemoPoster(database.db, new SharedThrottledErp(flaky, limiter), {
          unavailableBackoff: { baseDelayMs: 100, maxDelayMs: 2_000 },
          pollMs: 20,
        });
        const ids = await queueTestPostings(database.db, postings);
        poster.start();
        try {
          await waitFor('half the memos posted', async () => (await queueState(database.db, ids)).posted >= postings / 2, timeoutMs);
          flaky.down = true;
          await sleep(outageMs);
          const queuedAtComeback = (await queueState(database.db, ids)).queued;
          flaky.down = false;
          await waitFor('the queue drained', async () => (await queueState(database.db, ids)).queued === 0, timeoutMs);

          expect(queuedAtComeback).toBeGreaterThan(0);
        } finally {
          await poster.stop();
          await underTest.close?.();
        }

        const books = await underTest.booked(ids);
        expect(ids.filter((id) => books.get(id) !== 1)).toEqual([]);
        expect(flaky.firstSeen).toEqual(ids);
        expect(await queueState(database.db, ids)).toEqual({ queued: 0, failed: 0, posted: postings });
        const { rows } = await database.db.query<{ n: number }>(`SELECT count(*)::int8 AS n FROM refunds.dead_letters`);
        expect(Number(rows[0]?.n)).toBe(0);
        const { rows: events } = await database.db.query<{ n: number; refunds: number }>(
          `SELECT count(*)::int8 AS n, count(DISTINCT aggregate_id)::int8 AS refunds FROM refunds.outbox WHERE type = 'CreditMemoPosted'`,
        );
        expect(events[0]).toEqual({ n: postings, refunds: postings });
        // The queue backed off while the ERP was down instead of hammering it.
        expect(flaky.refusedWhileDown).toBeLessThan(outageMs / 100);
        expect(flaky.tooManyRequests).toBeGreaterThan(0);
        process.stdout.write(
          `ERP outage (${name}): ${postings} memos, ${flaky.refusedWhileDown} calls refused while down, ${flaky.tooManyRequests} 429s, ${flaky.passed} calls reached the ERP\n`,
        );
      },
      timeoutMs * 2,
    );
  });
}

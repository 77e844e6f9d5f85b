import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { sleep, waitFor } from '../../../platform/events/testing/bus-kit';
import { SharedErpLimiter } from '../../../connectors/erp/limiter/shared-limiter';
import { SharedThrottledErp } from '../../../connectors/erp/limiter/shared-throttled-erp';
import { CreditMemoPoster } from '../erp-posting/credit-memo-poster';
import { DRAIN_CLAIM_BATCH } from '../../../platform/posting-queue/ordered-drain';
import { FlakyErp, queueState, queueTestPostings, seededRandom, type ErpUnderTestFactory } from './erp-postings-kit';

/** The fault of the issue: how many postings, how long the ERP is down, and how fast it takes them. */
export interface ErpOutageScenario {
  /** Postings queued before the drain starts. Default 500. */
  postings?: number;
  /** How long the ERP is down, once half the postings are booked. Default 60 s (the figure). */
  outageMs?: number;
  /** The ERP's configured limit, high so the part outside the outage is quick. Default 100/s. */
  requestsPerSecond?: number;
  /** Share of calls answered 429 (Retry-After 100 ms) by the `FlakyErp` of an ERP without its own faults. Default 3 %. */
  rate429?: number;
  /** Requests answered 429 in each of the two storms: as the burst starts, and as the ERP comes back. Default 20. */
  stormRequests?: number;
}

/**
 * A burst of postings with an ERP outage in the middle and 429 storms (as the burst starts and as
 * the ERP comes back), over any `ErpConnector` (`factory`): every memo is booked exactly once
 * (counted in the ERP's books), the connector is first called for the postings in queue order,
 * nothing is dead-lettered or left FAILED, and the queue is empty afterwards. The faults come from
 * the ERP itself when the factory gives `faults` (a fake answering 503s and 429s over HTTP); else a
 * `FlakyErp` around the connector produces them, with random 429s besides.
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
      `books ${postings} memos once each, in queue order, through a ${outageMs / 1000} s outage and 429 storms`,
      async () => {
        const underTest = await factory(database.db);
        // Records the order of the connector's first call per memo; produces the faults only for an ERP without its own.
        const recorder = underTest.faults
          ? new FlakyErp(underTest.erp)
          : new FlakyErp(underTest.erp, { rate429: scenario.rate429 ?? 0.03, retryAfterMs: 100, random: seededRandom(13) });
        const faults = underTest.faults ?? recorder;
        const stormRequests = scenario.stormRequests ?? 20;
        const limiter = new SharedErpLimiter(database.db, { accountKey: `outage:${name}`, requestsPerSecond: rate, burst: 5, maxConcurrency: 4 });
        // The queue's backoff is shortened with the rest; the outage keeps its length.
        const poster = new CreditMemoPoster(database.db, new SharedThrottledErp(recorder, limiter), {
          unavailableBackoff: { baseDelayMs: 100, maxDelayMs: 2_000 },
          pollMs: 20,
        });
        const ids = await queueTestPostings(database.db, postings);
        faults.storm(stormRequests);
        poster.start();
        try {
          await waitFor('half the memos posted', async () => (await queueState(database.db, ids)).posted >= postings / 2, timeoutMs);
          faults.goDown(outageMs);
          await sleep(outageMs);
          const queuedAtComeback = (await queueState(database.db, ids)).queued;
          faults.storm(stormRequests);
          await waitFor('the queue drained', async () => (await queueState(database.db, ids)).queued === 0, timeoutMs);

          expect(queuedAtComeback).toBeGreaterThan(0);
        } finally {
          await poster.stop();
          await underTest.close?.();
        }

        const books = await underTest.booked(ids);
        expect(ids.filter((id) => books.get(id) !== 1)).toEqual([]);
        expect(recorder.firstSeen).toEqual(ids);
        const order = underTest.bookingOrder?.();
        if (order) {
          // Booked in queue order but for the retries: a memo refused with a 429 or a 503 is booked
          // in the next round, after younger memos of its own round (16 claimed per round).
          const queuePosition = new Map(ids.map((id, index) => [id, index]));
          const displaced = order.map((id, index) => Math.abs((queuePosition.get(id) ?? -postings) - index));
          expect(order).toHaveLength(postings);
          expect(Math.max(...displaced)).toBeLessThanOrEqual(2 * DRAIN_CLAIM_BATCH);
        }
        expect(await queueState(database.db, ids)).toEqual({ queued: 0, failed: 0, posted: postings });
        const { rows } = await database.db.query<{ n: number }>(`SELECT count(*)::int8 AS n FROM refunds.dead_letters`);
        expect(Number(rows[0]?.n)).toBe(0);
        const { rows: events } = await database.db.query<{ n: number; refunds: number }>(
          `SELECT count(*)::int8 AS n, count(DISTINCT aggregate_id)::int8 AS refunds FROM refunds.outbox WHERE type = 'CreditMemoPosted'`,
        );
        expect(events[0]).toEqual({ n: postings, refunds: postings });
        // The queue backed off while the ERP was down instead of hammering it; the storms were answered.
        const counted = faults.counts();
        expect(counted.refusedWhileDown).toBeGreaterThan(0);
        expect(counted.refusedWhileDown).toBeLessThan(outageMs / 100);
        expect(counted.tooManyRequests).toBeGreaterThanOrEqual(2 * stormRequests);
        const position = new Map(ids.map((id, index) => [id, index]));
        const inversions = order
          ? order.filter((id, index) => index > 0 && (position.get(id) ?? 0) < (position.get(order[index - 1] ?? '') ?? 0)).length
          : 'n/a';
        const furthest = order ? Math.max(...order.map((id, index) => Math.abs((position.get(id) ?? 0) - index))) : 'n/a';
        process.stdout.write(
          `ERP outage (${name}): ${postings} memos, ${counted.refusedWhileDown} requests refused while down, ${counted.tooManyRequests} 429s, ${recorder.passed} connector calls, ${inversions} bookings after a younger memo (furthest ${furthest} places from its queue position)\n`,
        );
      },
      timeoutMs * 2,
    );
  });
}

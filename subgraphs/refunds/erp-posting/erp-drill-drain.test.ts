import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { sleep, waitFor } from '../../../platform/events/testing/bus-kit';
import { SharedErpLimiter } from '../../../connectors/erp/limiter/shared-limiter';
import { SharedThrottledErp } from '../../../connectors/erp/limiter/shared-throttled-erp';
import { ErpOutageDrill } from '../../../connectors/erp/reference/outage-drill';
import { ReferenceErp } from '../../../connectors/erp/reference/reference-erp';
import { CreditMemoPoster } from './credit-memo-poster';
import { queueState, queueTestPostings } from '../testing/erp-postings-kit';

/** The ERP outage drill (DRILL_ERP_DOWN_*) as operations rehearse it: postings queue while the reference ERP is down, then drain. */
const POSTINGS = 20;
const DOWN_MS = 4_000;

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

describe('the ERP outage drill through the credit memo queue', () => {
  it('keeps memos QUEUED while the drill holds the ERP down, then posts each once when the window ends', async () => {
    // Queued first: the drill's window starts when it is made, and queueing on a loaded machine can take a second.
    const ids = await queueTestPostings(database.db, POSTINGS);
    const drill = new ErpOutageDrill(new ReferenceErp(database.db), { downAfterMs: 0, downForMs: DOWN_MS });
    const limiter = new SharedErpLimiter(database.db, { accountKey: 'drill-drain', requestsPerSecond: 100, burst: 5, maxConcurrency: 4 });
    const poster = new CreditMemoPoster(database.db, new SharedThrottledErp(drill, limiter), {
      unavailableBackoff: { baseDelayMs: 100, maxDelayMs: 500 },
      pollMs: 20,
    });
    poster.start();
    try {
      await sleep(DOWN_MS / 4);
      expect(drill.isDown()).toBe(true);
      expect(await queueState(database.db, ids)).toEqual({ queued: POSTINGS, failed: 0, posted: 0 });
      await waitFor('the backlog drained', async () => (await queueState(database.db, ids)).queued === 0, 20_000);
    } finally {
      await poster.stop();
    }
    expect(await queueState(database.db, ids)).toEqual({ queued: 0, failed: 0, posted: POSTINGS });
    const { rows } = await database.db.query<{ refund_id: string; n: number }>(
      `SELECT refund_id, count(*)::int AS n FROM erp.credit_memos WHERE refund_id = ANY($1) GROUP BY refund_id`,
      [ids],
    );
    expect(rows).toHaveLength(POSTINGS);
    expect(rows.every((row) => row.n === 1)).toBe(true);
  });
});

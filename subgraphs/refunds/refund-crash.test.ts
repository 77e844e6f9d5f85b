import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { waitFor } from '../../platform/events/testing/bus-kit';
import { killAllTestProcesses, spawnTestProcess } from '../../test/processes/child-kit';
import { providerIdempotencyKey } from '../../connectors/payments/port';
import { CLAIM_LEASE_MS, tenderRefundKey } from './execution/executor';
import { RefundSucceeded } from '../../contracts/events/refunds';
import { deliver, orderData, outboxEvents, providerRefunds, receivedEvent, refundsOf, refundsRig, tendersOf, type RefundsRig } from './testing/refunds-kit';

/** A SIGKILL lands between the provider's answer and its record; the restart must not refund twice. */
const CRASH_TEST_TIMEOUT_MS = 60_000;
/** Bound on the child's start (tsx compiles on the fly) and its first call. */
const CHILD_START_MS = 30_000;
/** The child script, relative to `platform/events` (where the shared child kit resolves scripts). */
const CHILD_SCRIPT = 'test/processes/refund-crash-executor.ts';

let database: TestDatabase;
let rig: RefundsRig;

beforeAll(async () => {
  database = await createTestDatabase();
  rig = refundsRig(database.db);
});

afterAll(async () => {
  await killAllTestProcesses();
  await database.drop();
});

describe('a crash between the provider call and its record', () => {
  it(
    'recovers after SIGKILL and restart with the same provider refund, never a second one',
    async () => {
      const order = orderData({ lines: [{ sku: 'SKU-K', quantity: 1, unitPriceMinor: 6400 }], payments: [{ method: 'CARD', capturedMinor: 6400 }] });
      await rig.recordOrder(order);
      const ret = await rig.authorize(order, [{ line: 0, quantity: 1 }]);
      await deliver(rig.returnRefunds, receivedEvent(ret));
      const [refund] = await refundsOf(database.db, { returnId: ret.returnId });
      const refundId = refund?.id as string;
      const tenderId = (await tendersOf(database.db, refundId))[0]?.id as string;
      const paymentReference = order.payments[0]?.providerReference as string;

      const child = spawnTestProcess(CHILD_SCRIPT, { DATABASE_URL: database.url });
      const line = await child.waitForLine(/^answered sre_\w+ /, CHILD_START_MS);
      const [, providerRefundId, key] = line.split(' ');
      expect(key).toBe(tenderRefundKey(tenderId, 1));
      // The provider holds the refund; we have not recorded it. Then the process dies.
      expect(await providerRefunds(database.db, paymentReference)).toEqual([expect.objectContaining({ provider_refund_id: providerRefundId })]);
      await child.kill();
      await waitFor(
        'the killed executor session is closed',
        async () =>
          (await database.db.query(`SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND application_name = 'crash-executor'`, [database.name])).rowCount ===
          0,
        CHILD_START_MS,
      );
      const [stranded] = await tendersOf(database.db, refundId);
      expect(stranded).toMatchObject({ status: 'PENDING', provider_refund_id: null });
      expect((await refundsOf(database.db, { returnId: ret.returnId }))[0]?.status).toBe('PENDING');

      // The dead executor's lease still holds the tender: a restarted executor waits it out.
      const { rows: lease } = await database.db.query<{ left_ms: number }>(
        `SELECT extract(epoch FROM next_attempt_at - now()) * 1000 AS left_ms FROM refunds.refund_tenders WHERE id = $1`,
        [tenderId],
      );
      expect(Number(lease[0]?.left_ms)).toBeGreaterThan(0);
      expect(Number(lease[0]?.left_ms)).toBeLessThanOrEqual(CLAIM_LEASE_MS);
      expect(await rig.executor.runOnce()).toBe(0);

      // The lease ends (shortened here); the restart asks the provider again with the same key.
      await database.db.query(`UPDATE refunds.refund_tenders SET next_attempt_at = now() WHERE id = $1`, [tenderId]);
      await rig.settle([refundId]);

      expect((await tendersOf(database.db, refundId))[0]).toMatchObject({ status: 'SUCCEEDED', provider_refund_id: providerRefundId, generation: 1 });
      expect(await providerRefunds(database.db, paymentReference)).toEqual([
        expect.objectContaining({
          provider_refund_id: providerRefundId,
          idempotency_key: providerIdempotencyKey(tenderRefundKey(tenderId, 1)),
          amount_minor: 6400,
        }),
      ]);
      expect((await refundsOf(database.db, { returnId: ret.returnId }))[0]?.status).toBe('SUCCEEDED');
      const { rows: memo } = await database.db.query(`SELECT status, amount_minor FROM refunds.credit_memos WHERE refund_id = $1`, [refundId]);
      expect(memo).toEqual([{ status: 'QUEUED', amount_minor: 6400 }]);
      expect(await outboxEvents(database.db, RefundSucceeded.type, [refundId])).toHaveLength(1);
    },
    CRASH_TEST_TIMEOUT_MS,
  );
});

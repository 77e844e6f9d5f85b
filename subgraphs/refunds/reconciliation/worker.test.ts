import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { ReferenceErp } from '../../../connectors/erp/reference/reference-erp';
import { SimulatedGateway } from '../../../connectors/payments/simulated/simulated-gateway';
import type { PaymentGateway, ProviderRefundRecord, RecordWindow } from '../../../connectors/payments/port';
import { validatedReconciliationSettings } from '../settings';
import { Reconciler } from './engine';
import { ReconciliationWorker } from './worker';
import { createRun } from './store';

/** The schedule and the one-run-at-a-time rule, on real PostgreSQL. */
let database: TestDatabase;
let reconciler: Reconciler;
const HOUR_MS = 3_600_000;

beforeAll(async () => {
  database = await createTestDatabase();
  reconciler = new Reconciler(database.db, { gateways: [], fallback: new SimulatedGateway(database.db), erp: new ReferenceErp(database.db) });
});

afterAll(async () => {
  await database.drop();
});

const runs = async () =>
  (
    await database.db.query<{ id: string; trigger: string; status: string; window_from: Date; window_to: Date }>(
      `SELECT id, trigger, status, window_from, window_to FROM refunds.reconciliation_runs ORDER BY created_at, id`,
    )
  ).rows;

describe('the reconciliation schedule', () => {
  it('queues one scheduled run per interval across instances, over the lookback before it', async () => {
    const schedule = { intervalMs: HOUR_MS, lookbackMs: 48 * HOUR_MS };
    const workers = [new ReconciliationWorker(database.db, reconciler, schedule), new ReconciliationWorker(database.db, reconciler, schedule)];
    // Two instances wake together: the due check and the queueing happen under the run lock.
    const started = await Promise.all(workers.map((worker) => worker.runOnce()));
    expect(started.filter((id) => id !== null)).toHaveLength(1);
    const [run] = await runs();
    expect(run).toMatchObject({ trigger: 'SCHEDULE', status: 'COMPLETED' });
    expect((run?.window_to.getTime() ?? 0) - (run?.window_from.getTime() ?? 0)).toBe(48 * HOUR_MS);
    // Not due again within the interval.
    expect(await workers[0]?.runOnce()).toBeNull();
    expect(await runs()).toHaveLength(1);
  });

  it('does nothing when the interval is 0 (the schedule is off)', async () => {
    const before = (await runs()).length;
    const worker = new ReconciliationWorker(database.db, reconciler, { intervalMs: 0, lookbackMs: HOUR_MS });
    worker.start();
    await worker.stop();
    expect(await runs()).toHaveLength(before);
  });

  it('validates its settings, naming the bad option', () => {
    expect(validatedReconciliationSettings(undefined)).toEqual({ intervalMs: 0, lookbackHours: 48, graceHours: 24 });
    expect(() => validatedReconciliationSettings({ intervalMs: -1, lookbackHours: 1 })).toThrow(/reconciliation\.intervalMs/);
    expect(() => validatedReconciliationSettings({ intervalMs: 1_000, lookbackHours: 0 })).toThrow(/reconciliation\.lookbackHours/);
    expect(() => validatedReconciliationSettings({ intervalMs: 1_000, lookbackHours: 24, graceHours: 1.5 })).toThrow(/reconciliation\.graceHours/);
  });
});

describe('one run at a time', () => {
  it('lets a second run wait for the first, and gives up saying so when the first outlasts the wait', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    // A provider whose listing hangs until released: the first run stays RUNNING meanwhile.
    const slow: PaymentGateway = {
      provider: 'slow',
      createRefund: () => Promise.reject(new Error('not used')),
      getRefund: () => Promise.reject(new Error('not used')),
      listRefunds: async (_window: RecordWindow): Promise<ProviderRefundRecord[]> => {
        await held;
        return [];
      },
    };
    const erp = new ReferenceErp(database.db);
    const blocking = new Reconciler(database.db, { gateways: [slow], erp });
    const impatient = new Reconciler(database.db, { gateways: [], erp }, { busyWaitMs: 300 });
    const window = { from: new Date(Date.now() - HOUR_MS), to: new Date() };
    const first = blocking.execute(await createRun(database.db, { trigger: 'ON_DEMAND', requestedBy: 'test', window }));
    // Let the first run claim the lock before the second asks.
    for (let i = 0; i < 50 && (await runs()).every((run) => run.status !== 'RUNNING'); i++) await new Promise((r) => setTimeout(r, 20));
    const second = await impatient.execute(await createRun(database.db, { trigger: 'ON_DEMAND', requestedBy: 'test', window }));
    expect(second).toMatchObject({ status: 'FAILED', warnings: [expect.stringContaining('Another reconciliation run was in progress')] });
    release();
    expect(await first).toMatchObject({ status: 'COMPLETED' });
    // Once the first is done, a new run goes ahead.
    const third = await impatient.execute(await createRun(database.db, { trigger: 'ON_DEMAND', requestedBy: 'test', window }));
    expect(third).toMatchObject({ status: 'COMPLETED' });
  });
});

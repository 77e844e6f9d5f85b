import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { testCreditMemo } from '../testing/erp-kit';
import { ErpUnavailableError } from '../port';
import { ErpOutageDrill } from './outage-drill';
import { ReferenceErp } from './reference-erp';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

describe('the ERP outage drill', () => {
  it('answers unavailable only inside its window after start, pointing retries at the window end, and books nothing then', async () => {
    let now = 1_000_000;
    const drill = new ErpOutageDrill(new ReferenceErp(database.db), { downAfterMs: 10_000, downForMs: 30_000 }, () => now);
    const before = testCreditMemo();
    await expect(drill.postCreditMemo(before)).resolves.toMatchObject({ duplicate: false });
    now += 10_000;
    const during = testCreditMemo();
    const refused = await drill.postCreditMemo(during).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ErpUnavailableError);
    expect((refused as ErpUnavailableError).retryAfterMs).toBe(30_000);
    await expect(drill.postStockMovements([])).rejects.toBeInstanceOf(ErpUnavailableError);
    await expect(drill.listCreditMemos({ from: new Date(0), to: new Date() })).rejects.toBeInstanceOf(ErpUnavailableError);
    const { rows } = await database.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM erp.credit_memos WHERE refund_id = $1`, [during.refundId]);
    expect(rows[0]!.n).toBe(0);
    now += 29_999;
    expect(drill.isDown()).toBe(true);
    now += 1;
    // The window is over: the queued posting goes through (the drain's retry).
    expect(drill.isDown()).toBe(false);
    await expect(drill.postCreditMemo(during)).resolves.toMatchObject({ duplicate: false });
  });

  it('starts at once with DRILL_ERP_DOWN_AFTER_S=0', () => {
    expect(new ErpOutageDrill(new ReferenceErp(database.db), { downAfterMs: 0, downForMs: 1000 }).isDown()).toBe(true);
  });
});

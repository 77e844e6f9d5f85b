import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { ADYEN_REPORT_LAG_MS, AdyenReportIndex } from './adyen-report-index';

/** The report index on the real PostgreSQL: what it keeps, and which reports it names for a window. */
let database: TestDatabase;
let index: AdyenReportIndex;

beforeAll(async () => {
  database = await createTestDatabase({ maxConnections: 2 });
  index = new AdyenReportIndex(database.db);
});
afterAll(async () => {
  await database.drop();
});

const DAY_MS = 24 * 3_600_000;
const url = (name: string) => `https://ca-test.adyen.com/reports/download/MerchantAccount/ReturnsGraphECOM/${name}`;

/** Records a report as announced at `at` (the index stamps `now()`; tests move the stamp). */
async function announced(name: string, at: Date): Promise<void> {
  await index.remember(name, url(name));
  await database.db.query(`UPDATE adyen.reports SET announced_at = $2 WHERE file_name = $1`, [name, at]);
}

describe('AdyenReportIndex', () => {
  it('keeps the first announcement of a report: a resend changes nothing', async () => {
    const name = 'settlement_detail_report_batch_1001.csv';
    await index.remember(name, url(name));
    const { rows: first } = await database.db.query<{ announced_at: Date }>(`SELECT announced_at FROM adyen.reports WHERE file_name = $1`, [name]);
    await index.remember(name, 'https://ca-test.adyen.com/elsewhere.csv');
    const { rows } = await database.db.query<{ url: string; announced_at: Date }>(`SELECT url, announced_at FROM adyen.reports WHERE file_name = $1`, [name]);
    expect(rows).toEqual([{ url: url(name), announced_at: first[0]?.announced_at }]);
  });

  it('names the settlement details reports announced from the window start until the report lag after its end', async () => {
    const from = new Date('2026-11-02T00:00:00Z');
    const to = new Date('2026-11-03T00:00:00Z');
    await announced('settlement_detail_report_batch_2000.csv', new Date(from.getTime() - 1)); // closed before any refund of the window
    await announced('settlement_detail_report_batch_2001.csv', from);
    await announced('settlement_detail_report_batch_2002.csv', new Date(to.getTime() + 3 * DAY_MS)); // a batch closed days later
    await announced('settlement_detail_report_batch_2003.csv', new Date(to.getTime() + ADYEN_REPORT_LAG_MS - 1));
    await announced('settlement_detail_report_batch_2004.csv', new Date(to.getTime() + ADYEN_REPORT_LAG_MS));
    await announced('payments_accounting_report_2026_11_02.csv', new Date(from.getTime() + 3_600_000)); // not a settlement report
    expect(await index.namesFor({ from, to })).toEqual([
      'settlement_detail_report_batch_2001.csv',
      'settlement_detail_report_batch_2002.csv',
      'settlement_detail_report_batch_2003.csv',
    ]);
    expect(await new AdyenReportIndex(database.db, { reportLagMs: 0 }).namesFor({ from, to })).toEqual(['settlement_detail_report_batch_2001.csv']);
    expect(await index.namesFor({ from: new Date('2020-01-01T00:00:00Z'), to: new Date('2020-01-02T00:00:00Z') })).toEqual([]);
  });

  it('refuses what the table cannot hold, so the notification is not acknowledged', async () => {
    await expect(index.remember('../etc/passwd', url('x.csv'))).rejects.toThrow();
    await expect(index.remember('settlement_detail_report_batch_3000.csv', '')).rejects.toThrow();
    const { rows } = await database.db.query(`SELECT 1 FROM adyen.reports WHERE file_name IN ('../etc/passwd', 'settlement_detail_report_batch_3000.csv')`);
    expect(rows).toEqual([]);
  });

  it('refuses a report lag that is not a non-negative integer at construction', () => {
    expect(() => new AdyenReportIndex(database.db, { reportLagMs: -1 })).toThrow('reportLagMs must be a non-negative integer');
    expect(() => new AdyenReportIndex(database.db, { reportLagMs: 1.5 })).toThrow('but got: 1.5');
  });
});

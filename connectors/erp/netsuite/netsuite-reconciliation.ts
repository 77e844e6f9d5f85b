/**
 * Credit memos NetSuite booked in a window, read with SuiteQL for three-way reconciliation.
 * `transaction.foreigntotal` is in the memo's currency and negative for credit memos (money out);
 * `createddate` is read as text in the integration user's time zone, which must be set to UTC (GMT)
 * in NetSuite for the window to mean what we mean (README).
 */
import { ErpUnavailableError, type ErpCreditMemoRecord, type RecordWindow } from '../port';
import { fromNetSuiteAmount } from './netsuite-amounts';
import type { NetSuiteClient } from './netsuite-client';
import { sqlString } from './netsuite-lookups';

/** SuiteQL's form of a UTC time: `YYYY-MM-DD HH24:MI:SS`. */
function suiteQlTime(at: Date): string {
  return at.toISOString().slice(0, 19).replace('T', ' ');
}

/** The query for credit memos created in [from, to), ordered by internal id so pages are stable. */
export function creditMemoQuery(window: RecordWindow): string {
  const time = (at: Date) => `TO_TIMESTAMP(${sqlString(suiteQlTime(at))}, 'YYYY-MM-DD HH24:MI:SS')`;
  return [
    "SELECT t.id, t.tranid, t.externalid, ABS(t.foreigntotal) AS total, c.symbol AS currency, TO_CHAR(t.createddate, 'YYYY-MM-DD HH24:MI:SS') AS createdat",
    'FROM transaction t INNER JOIN currency c ON c.id = t.currency',
    `WHERE t.type = 'CustCred' AND t.createddate >= ${time(window.from)} AND t.createddate < ${time(window.to)}`,
    'ORDER BY t.id',
  ].join(' ');
}

/** The memos of `window`; a row NetSuite answers in a shape we cannot read is `ErpUnavailableError` (never a silent gap). */
export async function listNetSuiteCreditMemos(client: NetSuiteClient, window: RecordWindow): Promise<ErpCreditMemoRecord[]> {
  const rows = await client.suiteql(creditMemoQuery(window));
  return rows.map((row) => {
    const currency = String(row.currency ?? '');
    const postedAt = new Date(`${String(row.createdat ?? '').replace(' ', 'T')}Z`);
    if (!/^[A-Z]{3}$/.test(currency) || Number.isNaN(postedAt.getTime()))
      throw new ErpUnavailableError(`NetSuite SuiteQL row ${JSON.stringify(row)} has no ISO currency or creation time`);
    const externalId = typeof row.externalid === 'string' ? row.externalid : null;
    return {
      refundId: externalId !== null && /^rfd_\w+$/.test(externalId) ? externalId : null,
      erpReference: String(row.tranid ?? row.id),
      totalMinor: fromNetSuiteAmount(row.total, currency),
      currency,
      postedAt,
    };
  });
}

/**
 * Reading BC's posted credit memos back for three-way reconciliation. BC's `postingDate` is a
 * day, not a time: a window is widened to whole UTC days, and each record's `postedAt` is the
 * midnight of its posting day. Pages follow `@odata.nextLink` until BC stops sending one.
 */
import type { ErpCreditMemoRecord, RecordWindow } from '../port';
import { fromBcAmount } from './bc-amounts';
import type { BcClient, BcEntity } from './bc-client';

/** Pages read at most per listing: at BC's page size a bound far above any day of refunds, so a looping nextLink cannot spin forever. */
const MAX_PAGES = 1_000;
const DAY_MS = 86_400_000;
/** Statuses of memos not (yet) posted. */
const UNPOSTED: ReadonlySet<string> = new Set(['Draft', 'In Review']);
/** Our refund ids, as `externalDocumentNumber` holds them; anything else is a memo someone else made. */
const REFUND_ID = /^rfd_\w+$/;

const day = (time: number) => new Date(time).toISOString().slice(0, 10);

/** The posted memos whose posting day overlaps `window`; `localCurrency` names BC's empty currency code. */
export async function listPostedCreditMemos(client: BcClient, window: RecordWindow, localCurrency: string): Promise<ErpCreditMemoRecord[]> {
  const from = day(Math.floor(window.from.getTime() / DAY_MS) * DAY_MS);
  const to = day(Math.ceil(window.to.getTime() / DAY_MS) * DAY_MS);
  const records: ErpCreditMemoRecord[] = [];
  let path: string | undefined = `salesCreditMemos?$filter=postingDate ge ${from} and postingDate lt ${to}`;
  for (let page = 0; path !== undefined && page < MAX_PAGES; page++) {
    const answer: { value: BcEntity[]; '@odata.nextLink'?: string } = await client.send({ method: 'GET', path });
    for (const memo of answer.value) {
      if (UNPOSTED.has(String(memo.status))) continue;
      const currency = typeof memo.currencyCode === 'string' && memo.currencyCode !== '' ? memo.currencyCode : localCurrency;
      const external = String(memo.externalDocumentNumber ?? '');
      records.push({
        refundId: REFUND_ID.test(external) ? external : null,
        erpReference: String(memo.number),
        totalMinor: fromBcAmount(memo.totalAmountIncludingTax, currency),
        currency,
        postedAt: new Date(`${String(memo.postingDate)}T00:00:00.000Z`),
      });
    }
    path = answer['@odata.nextLink'];
  }
  return records;
}

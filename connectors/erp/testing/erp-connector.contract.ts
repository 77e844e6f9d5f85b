import { CreditMemoConflictError, InvalidCreditMemoError } from '../credit-memo';
import { testCreditMemo, testStockMovement } from './erp-kit';
import type { ErpConnector } from '../port';

/** How far around "now" a listing window reaches (ERP clocks and whole-second timestamps). */
const LIST_MARGIN_MS = 5_000;

/**
 * How long before now the "earlier" listing window ends. ERPs may book and list by posting DATE
 * (Business Central: `postingDate`, whole UTC days), so a window that ends an hour ago can still
 * name today's date; two days clear any day-granular ERP in any time zone at any hour.
 */
const EARLIER_WINDOW_END_MS = 2 * 24 * 3_600_000;
/** How long the "earlier" window lasts (one day, ending `EARLIER_WINDOW_END_MS` before now). */
const EARLIER_WINDOW_LENGTH_MS = 24 * 3_600_000;

/**
 * The behaviour every `ErpConnector` must show, run by `erp-connector.test.ts` over the reference
 * ERP and the throttled wrapper alike (a NetSuite adapter would join): postings are idempotent by
 * our ids, a memo whose parts do not add up is refused, and one refund never gets two memos.
 * `getErp` is called inside each test, after the caller's `beforeAll` has opened the database.
 */
export function describeErpConnectorContract(name: string, getErp: () => ErpConnector): void {
  describe(`ErpConnector contract: ${name}`, () => {
    it('books a stock movement once, however often it is posted', async () => {
      const erp = getErp();
      const movement = testStockMovement();
      expect(await erp.postStockMovements([movement, testStockMovement()])).toBe(2);
      expect(await erp.postStockMovements([movement])).toBe(0);
    });

    it('posts a credit memo and answers a repeat with the same reference, marked duplicate', async () => {
      const erp = getErp();
      const memo = testCreditMemo();
      const first = await erp.postCreditMemo(memo);
      expect(first.duplicate).toBe(false);
      expect(first.erpReference).toEqual(expect.any(String));
      // A retry after a crash may carry a later time; it is still the same refund.
      expect(await erp.postCreditMemo({ ...memo, occurredAt: '2025-03-02T00:00:00.000Z' })).toEqual({ erpReference: first.erpReference, duplicate: true });
    });

    it('gives concurrent postings of one refund one reference', async () => {
      const erp = getErp();
      const memo = testCreditMemo();
      const answers = await Promise.all(Array.from({ length: 5 }, () => erp.postCreditMemo(memo)));
      expect(new Set(answers.map((a) => a.erpReference)).size).toBe(1);
      expect(answers.filter((a) => !a.duplicate)).toHaveLength(1);
    });

    it('gives different refunds different references', async () => {
      const erp = getErp();
      const a = await erp.postCreditMemo(testCreditMemo());
      const b = await erp.postCreditMemo(testCreditMemo());
      expect(a.erpReference).not.toBe(b.erpReference);
    });

    it('refuses a memo whose parts do not add up to the total, or whose tenders do not', async () => {
      const erp = getErp();
      await expect(erp.postCreditMemo(testCreditMemo({ totalMinor: 5_641, tenders: [{ method: 'ORIGINAL_PAYMENT', amountMinor: 5_641 }] }))).rejects.toThrow(
        /parts add up to 5640.*not totalMinor 5641/,
      );
      await expect(erp.postCreditMemo(testCreditMemo({ tenders: [{ method: 'ORIGINAL_PAYMENT', amountMinor: 5_000 }] }))).rejects.toBeInstanceOf(
        InvalidCreditMemoError,
      );
    });

    it('refuses malformed amounts and ids, listing every problem', async () => {
      const erp = getErp();
      const error = await erp
        .postCreditMemo(
          testCreditMemo({ refundId: 'not-a-refund', currency: 'usd', shippingMinor: -1, lines: [{ description: '', netMinor: 1.5, taxMinor: 0 }] }),
        )
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidCreditMemoError);
      expect((error as InvalidCreditMemoError).problems).toEqual([
        expect.stringContaining('refundId'),
        expect.stringContaining('currency'),
        expect.stringContaining('shippingMinor'),
        expect.stringContaining('lines[0].description'),
        expect.stringContaining('lines[0].netMinor'),
      ]);
    });

    // Listing is optional on the port: an ERP without it is reconciled as "ERP side unread".
    it('lists a memo posted now in a window around now, exactly, and not in a window before it', async () => {
      const erp = getErp();
      if (!erp.listCreditMemos) return;
      const before = new Date(Date.now() - LIST_MARGIN_MS);
      // Posted as happening now: a day-granular ERP books it on today's date, inside the window.
      const memo = testCreditMemo({ currency: 'EUR', occurredAt: new Date().toISOString() });
      const posting = await erp.postCreditMemo(memo);
      const listed = await erp.listCreditMemos({ from: before, to: new Date(Date.now() + LIST_MARGIN_MS) });
      const record = listed.find((r) => r.erpReference === posting.erpReference);
      expect(record).toMatchObject({ refundId: memo.refundId, totalMinor: memo.totalMinor, currency: 'EUR' });
      expect(record?.postedAt).toBeInstanceOf(Date);
      const earlierEnd = before.getTime() - EARLIER_WINDOW_END_MS;
      const earlier = await erp.listCreditMemos({ from: new Date(earlierEnd - EARLIER_WINDOW_LENGTH_MS), to: new Date(earlierEnd) });
      expect(earlier.map((r) => r.erpReference)).not.toContain(posting.erpReference);
    });

    it('refuses a second memo with another total for a refund already posted', async () => {
      const erp = getErp();
      const memo = testCreditMemo();
      await erp.postCreditMemo(memo);
      const other = testCreditMemo({
        refundId: memo.refundId,
        orderId: memo.orderId,
        restockingFeeMinor: 0,
        totalMinor: 5_940,
        tenders: [{ method: 'ORIGINAL_PAYMENT', amountMinor: 5_940 }],
      });
      await expect(erp.postCreditMemo(other)).rejects.toBeInstanceOf(CreditMemoConflictError);
    });
  });
}

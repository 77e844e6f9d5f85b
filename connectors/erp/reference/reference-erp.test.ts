import { sqlState, SQLSTATE, type Queryable } from '../../../platform/db';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { testCreditMemo } from '../testing/erp-kit';
import { ReferenceErp } from './reference-erp';

let database: TestDatabase;
let erp: ReferenceErp;
beforeAll(async () => {
  database = await createTestDatabase();
  erp = new ReferenceErp(database.db);
});
afterAll(async () => {
  await database.drop();
});

interface LineRow {
  [column: string]: unknown;
  account: string;
  debit_minor: number;
  credit_minor: number;
}

async function journalOf(refundId: string): Promise<LineRow[]> {
  const { rows } = await database.db.query<LineRow>(
    `SELECT l.account, l.debit_minor, l.credit_minor FROM erp.journal_lines l
       JOIN erp.journal_entries e ON e.id = l.entry_id WHERE e.credit_memo_refund_id = $1 ORDER BY l.line_no`,
    [refundId],
  );
  return rows;
}

async function count(table: string): Promise<number> {
  const { rows } = await database.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM erp.${table}`);
  return rows[0]!.n;
}

describe('ReferenceErp credit memos', () => {
  it('books a memo as one balanced entry: returns, shipping and tax debited; restocking fee and refund clearing credited', async () => {
    const memo = testCreditMemo();
    const { erpReference } = await erp.postCreditMemo(memo);
    expect(erpReference).toMatch(/^CM-\d{6,}$/);
    expect(await journalOf(memo.refundId)).toEqual([
      { account: '4100', debit_minor: 5_000, credit_minor: 0 },
      { account: '4200', debit_minor: 500, credit_minor: 0 },
      { account: '2200', debit_minor: 440, credit_minor: 0 },
      { account: '4300', debit_minor: 0, credit_minor: 300 },
      { account: '1150', debit_minor: 0, credit_minor: 5_640 },
    ]);
    const { rows } = await database.db.query(
      `SELECT number, order_id, return_id, currency, merchandise_net_minor, merchandise_tax_minor, total_minor FROM erp.credit_memos WHERE refund_id = $1`,
      [memo.refundId],
    );
    expect(rows).toEqual([
      {
        number: erpReference,
        order_id: memo.orderId,
        return_id: memo.returnId,
        currency: 'USD',
        merchandise_net_minor: 5_000,
        merchandise_tax_minor: 400,
        total_minor: 5_640,
      },
    ]);
    const lines = await database.db.query(`SELECT line_no, sku, net_minor, tax_minor FROM erp.credit_memo_lines WHERE refund_id = $1 ORDER BY line_no`, [
      memo.refundId,
    ]);
    expect(lines.rows).toEqual([
      { line_no: 1, sku: 'SKU-TEE-M', net_minor: 2_000, tax_minor: 160 },
      { line_no: 2, sku: 'SKU-JEANS-32', net_minor: 3_000, tax_minor: 240 },
    ]);
  });

  it('credits each tender to its account: store credit liability, cash, refund clearing', async () => {
    const memo = testCreditMemo({
      restockingFeeMinor: 0,
      totalMinor: 5_940,
      tenders: [
        { method: 'STORE_CREDIT', amountMinor: 2_000 },
        { method: 'CASH', amountMinor: 940 },
        { method: 'ORIGINAL_PAYMENT', amountMinor: 1_000 },
        { method: 'GIFT_CARD', amountMinor: 2_000 },
      ],
    });
    await erp.postCreditMemo(memo);
    const credits = (await journalOf(memo.refundId)).filter((l) => l.credit_minor > 0);
    expect(credits).toEqual([
      { account: '2400', debit_minor: 0, credit_minor: 2_000 },
      { account: '1000', debit_minor: 0, credit_minor: 940 },
      { account: '1150', debit_minor: 0, credit_minor: 3_000 },
    ]);
  });

  it('books a shipping-only memo without a return', async () => {
    const memo = testCreditMemo({
      returnId: null,
      lines: [],
      restockingFeeMinor: 0,
      totalMinor: 540,
      tenders: [{ method: 'ORIGINAL_PAYMENT', amountMinor: 540 }],
    });
    await erp.postCreditMemo(memo);
    expect(await journalOf(memo.refundId)).toEqual([
      { account: '4200', debit_minor: 500, credit_minor: 0 },
      { account: '2200', debit_minor: 40, credit_minor: 0 },
      { account: '1150', debit_minor: 0, credit_minor: 540 },
    ]);
  });

  it('numbers memos in posting order', async () => {
    const a = await erp.postCreditMemo(testCreditMemo());
    const b = await erp.postCreditMemo(testCreditMemo());
    expect(Number(b.erpReference.slice(3))).toBeGreaterThan(Number(a.erpReference.slice(3)));
  });

  it('books nothing for a duplicate posting', async () => {
    const memo = testCreditMemo();
    await erp.postCreditMemo(memo);
    const before = await Promise.all(['credit_memos', 'credit_memo_lines', 'credit_memo_tenders', 'journal_entries', 'journal_lines'].map(count));
    expect((await erp.postCreditMemo(memo)).duplicate).toBe(true);
    const after = await Promise.all(['credit_memos', 'credit_memo_lines', 'credit_memo_tenders', 'journal_entries', 'journal_lines'].map(count));
    expect(after).toEqual(before);
  });

  it('keeps every journal entry balanced, with one entry per memo', async () => {
    const { rows: unbalanced } = await database.db.query(
      `SELECT entry_id FROM erp.journal_lines GROUP BY entry_id HAVING sum(debit_minor) <> sum(credit_minor) OR count(*) < 2`,
    );
    expect(unbalanced).toEqual([]);
    const { rows: orphans } = await database.db.query(
      `SELECT m.refund_id FROM erp.credit_memos m LEFT JOIN erp.journal_entries e ON e.credit_memo_refund_id = m.refund_id WHERE e.id IS NULL`,
    );
    expect(orphans).toEqual([]);
    expect(await count('journal_entries')).toBeGreaterThan(0);
  });

  describe('the database as the last line of defence', () => {
    /** Inserts a memo row straight into the table, as a buggy writer would, and opens its journal entry. */
    async function rawEntry(tx: Queryable, refundId: string): Promise<number> {
      await tx.query(
        `INSERT INTO erp.credit_memos (refund_id, number, order_id, currency, merchandise_net_minor, merchandise_tax_minor, shipping_minor,
           shipping_tax_minor, restocking_fee_minor, total_minor, occurred_at) VALUES ($1, $2, 'ord_x', 'USD', 100, 0, 0, 0, 0, 100, now())`,
        [refundId, `CM-9${Date.now().toString().slice(-8)}`],
      );
      const { rows } = await tx.query<{ id: number }>(
        `INSERT INTO erp.journal_entries (credit_memo_refund_id, currency, description, occurred_at) VALUES ($1, 'USD', 'raw', now()) RETURNING id`,
        [refundId],
      );
      return rows[0]!.id;
    }

    it('refuses at commit a journal entry whose debits and credits differ', async () => {
      const refundId = testCreditMemo().refundId;
      const error = await database.db
        .transaction(async (tx) => {
          const entry = await rawEntry(tx, refundId);
          await tx.query(`INSERT INTO erp.journal_lines (entry_id, line_no, account, debit_minor) VALUES ($1, 1, '4100', 100)`, [entry]);
          await tx.query(`INSERT INTO erp.journal_lines (entry_id, line_no, account, credit_minor) VALUES ($1, 2, '1150', 99)`, [entry]);
        })
        .catch((e: unknown) => e);
      expect(sqlState(error)).toBe(SQLSTATE.CHECK_VIOLATION);
      expect(String(error)).toMatch(/does not balance: 2 lines, debits 100, credits 99/);
      expect((await database.db.query(`SELECT 1 FROM erp.credit_memos WHERE refund_id = $1`, [refundId])).rowCount).toBe(0);
    });

    it('refuses at commit a journal entry without lines', async () => {
      const error = await database.db.transaction((tx) => rawEntry(tx, testCreditMemo().refundId)).catch((e: unknown) => e);
      expect(String(error)).toMatch(/does not balance: 0 lines/);
    });

    it('refuses a memo row whose parts do not add up to its total', async () => {
      const error = await database.db
        .query(
          `INSERT INTO erp.credit_memos (refund_id, number, order_id, currency, merchandise_net_minor, merchandise_tax_minor, shipping_minor,
             shipping_tax_minor, restocking_fee_minor, total_minor, occurred_at) VALUES ($1, 'CM-999999999', 'ord_x', 'USD', 100, 0, 0, 0, 0, 101, now())`,
          [testCreditMemo().refundId],
        )
        .catch((e: unknown) => e);
      expect(sqlState(error)).toBe(SQLSTATE.CHECK_VIOLATION);
    });

    it('refuses to update or delete posted books', async () => {
      const memo = testCreditMemo();
      await erp.postCreditMemo(memo);
      await expect(database.db.query(`UPDATE erp.journal_lines SET debit_minor = debit_minor + 1 WHERE debit_minor > 0`)).rejects.toThrow(/append-only/);
      await expect(database.db.query(`DELETE FROM erp.credit_memos WHERE refund_id = $1`, [memo.refundId])).rejects.toThrow(/append-only/);
    });
  });
});

import type { Db, Queryable } from '../../../platform/db';
import { assertValidCreditMemo, CreditMemoConflictError, creditMemoParts } from '../credit-memo';
import {
  ErpUnavailableError,
  type ErpConnector,
  type ErpCreditMemo,
  type ErpCreditMemoPosting,
  type ErpCreditMemoRecord,
  type ErpStockMovement,
  type RecordWindow,
} from '../port';
import { creditMemoJournal } from './credit-memo-journal';

/** Digits of a credit memo number (`CM-000001`); longer numbers keep all their digits. */
const MEMO_NUMBER_DIGITS = 6;

/**
 * The reference ERP: the embedded default's system of record, kept in its own `erp` schema. It
 * behaves as a real ERP integration must be treated: a separate system reached through the port,
 * idempotent by our ids. It uses `db` on its own (never inside a caller's transaction): its books
 * must not roll back with ours.
 */
export class ReferenceErp implements ErpConnector {
  constructor(private readonly db: Db) {}

  async postStockMovements(movements: readonly ErpStockMovement[]): Promise<number> {
    let booked = 0;
    for (const m of movements) {
      const { rowCount } = await this.db.query(
        `INSERT INTO erp.stock_movements (movement_id, sku, location_id, from_state, to_state, quantity, reason, occurred_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (movement_id) DO NOTHING`,
        [m.movementId, m.sku, m.locationId, m.fromState, m.toState, m.quantity, m.reason, m.occurredAt],
      );
      booked += rowCount;
    }
    return booked;
  }

  /**
   * Writes the memo, its lines and tenders, and its balanced journal entry in one transaction of
   * its own; the database re-checks the balance at commit. A refund posted before answers with
   * the first posting's number and `duplicate: true`, booking nothing.
   */
  async postCreditMemo(memo: ErpCreditMemo): Promise<ErpCreditMemoPosting> {
    assertValidCreditMemo(memo);
    return this.db.transaction(async (tx) => {
      const existing = await this.existingPosting(tx, memo);
      if (existing) return existing;
      const { rows: seq } = await tx.query<{ n: number }>(`SELECT nextval('erp.credit_memo_number_seq') AS n`);
      const number = `CM-${String(seq[0]!.n).padStart(MEMO_NUMBER_DIGITS, '0')}`;
      const parts = creditMemoParts(memo);
      const { rowCount } = await tx.query(
        `INSERT INTO erp.credit_memos (refund_id, number, order_id, return_id, currency, merchandise_net_minor, merchandise_tax_minor,
           shipping_minor, shipping_tax_minor, restocking_fee_minor, total_minor, occurred_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (refund_id) DO NOTHING`,
        [
          memo.refundId,
          number,
          memo.orderId,
          memo.returnId,
          memo.currency,
          parts.merchandiseNetMinor,
          parts.merchandiseTaxMinor,
          memo.shippingMinor,
          memo.shippingTaxMinor,
          memo.restockingFeeMinor,
          memo.totalMinor,
          memo.occurredAt,
        ],
      );
      if (rowCount === 0) {
        // A concurrent posting of the same refund committed first (the insert waited for it).
        const raced = await this.existingPosting(tx, memo);
        if (raced) return raced;
        throw new Error(`credit memo for refund ${memo.refundId} neither inserted nor found`);
      }
      await this.writeDetails(tx, memo);
      await this.writeJournal(tx, memo, number);
      return { erpReference: number, duplicate: false };
    });
  }

  /**
   * The memos booked (`posted_at`) in [from, to), oldest first. The reference ERP keys each memo by
   * our refund id, so every record carries it; a database failure is `ErpUnavailableError`.
   */
  async listCreditMemos(window: RecordWindow): Promise<ErpCreditMemoRecord[]> {
    const { from, to } = window;
    if (!(from instanceof Date) || !(to instanceof Date) || !(from.getTime() < to.getTime())) {
      throw new TypeError(`listCreditMemos needs a window of two dates, from before to, but got: ${String(from)} .. ${String(to)}`);
    }
    try {
      const { rows } = await this.db.query<{ refund_id: string; number: string; total_minor: number; currency: string; posted_at: Date }>(
        `SELECT refund_id, number, total_minor, currency, posted_at FROM erp.credit_memos
          WHERE posted_at >= $1 AND posted_at < $2 ORDER BY posted_at, number`,
        [from, to],
      );
      return rows.map((row) => ({
        refundId: row.refund_id,
        erpReference: row.number,
        totalMinor: row.total_minor,
        currency: row.currency,
        postedAt: row.posted_at,
      }));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw Object.assign(new ErpUnavailableError(`reference ERP credit memos could not be read: ${message}`), { cause: error });
    }
  }

  private async existingPosting(tx: Queryable, memo: ErpCreditMemo): Promise<ErpCreditMemoPosting | null> {
    const { rows } = await tx.query<{ number: string; total_minor: number; currency: string; order_id: string }>(
      `SELECT number, total_minor, currency, order_id FROM erp.credit_memos WHERE refund_id = $1`,
      [memo.refundId],
    );
    const row = rows[0];
    if (!row) return null;
    // The money-bearing facts only: a retry may carry a later occurredAt or reworded descriptions.
    if (row.total_minor !== memo.totalMinor || row.currency !== memo.currency || row.order_id !== memo.orderId) {
      throw new CreditMemoConflictError(
        `refund ${memo.refundId} was posted as ${row.number} for ${row.total_minor} ${row.currency} on order ${row.order_id}; ` +
          `a second memo for ${memo.totalMinor} ${memo.currency} on order ${memo.orderId} is refused`,
      );
    }
    return { erpReference: row.number, duplicate: true };
  }

  private async writeDetails(tx: Queryable, memo: ErpCreditMemo): Promise<void> {
    if (memo.lines.length > 0) {
      await tx.query(
        `INSERT INTO erp.credit_memo_lines (refund_id, line_no, sku, description, net_minor, tax_minor)
         SELECT $1, t.* FROM unnest($2::int[], $3::text[], $4::text[], $5::bigint[], $6::bigint[]) AS t`,
        [
          memo.refundId,
          memo.lines.map((_, i) => i + 1),
          memo.lines.map((l) => l.sku ?? null),
          memo.lines.map((l) => l.description),
          memo.lines.map((l) => l.netMinor),
          memo.lines.map((l) => l.taxMinor),
        ],
      );
    }
    await tx.query(
      `INSERT INTO erp.credit_memo_tenders (refund_id, tender_no, method, amount_minor)
       SELECT $1, t.* FROM unnest($2::int[], $3::text[], $4::bigint[]) AS t`,
      [memo.refundId, memo.tenders.map((_, i) => i + 1), memo.tenders.map((t) => t.method), memo.tenders.map((t) => t.amountMinor)],
    );
  }

  private async writeJournal(tx: Queryable, memo: ErpCreditMemo, number: string): Promise<void> {
    const { rows } = await tx.query<{ id: number }>(
      `INSERT INTO erp.journal_entries (credit_memo_refund_id, currency, description, occurred_at) VALUES ($1, $2, $3, $4) RETURNING id`,
      [memo.refundId, memo.currency, `Credit memo ${number} for order ${memo.orderId}${memo.returnId ? `, return ${memo.returnId}` : ''}`, memo.occurredAt],
    );
    const lines = creditMemoJournal(memo);
    await tx.query(
      `INSERT INTO erp.journal_lines (entry_id, line_no, account, debit_minor, credit_minor, memo)
       SELECT $1, t.* FROM unnest($2::int[], $3::text[], $4::bigint[], $5::bigint[], $6::text[]) AS t`,
      [
        rows[0]!.id,
        lines.map((_, i) => i + 1),
        lines.map((l) => l.account),
        lines.map((l) => l.debitMinor),
        lines.map((l) => l.creditMinor),
        lines.map((l) => l.memo),
      ],
    );
  }
}

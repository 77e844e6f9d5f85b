/**
 * The read side of the store-credit ledger for the graph: a customer's balances and entries. Reads
 * only; the ledger (`store-credit-ledger.ts`) is the one writer.
 */
import type { Queryable } from '../../../platform/db';
import type { StoreCreditAccounts, StoreCreditEntry, StoreCreditEntryPage } from '../port';

/** Entries per page at most, whatever is asked: the graph's cost rule prices `first` up to this. */
export const MAX_ENTRIES_PAGE = 100;

/** A position in a customer's entries: the last entry seen (newest first). */
interface Cursor {
  /** PostgreSQL's text of the entry's `created_at`: microseconds, which a JS Date would round away. */
  createdAt: string;
  entryId: string;
}

/** `created_at::text` as PostgreSQL writes it (UTC sessions): `2026-12-01 17:30:01.123456+00`. */
const TIMESTAMP_TEXT = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/;

const encodeCursor = (cursor: Cursor): string => Buffer.from(JSON.stringify([cursor.createdAt, cursor.entryId])).toString('base64url');

/** The cursor's position, or null when it is not one this module wrote. */
function decodeCursor(value: string): Cursor | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 2) return null;
    const [createdAt, entryId] = parsed as unknown[];
    if (typeof createdAt !== 'string' || !TIMESTAMP_TEXT.test(createdAt) || typeof entryId !== 'string' || !/^sce_[0-9a-f]{24}$/.test(entryId)) return null;
    return { createdAt, entryId };
  } catch {
    return null;
  }
}

/** Customers' store-credit accounts over the ledger's schema. */
export class StoreCreditStatements implements StoreCreditAccounts {
  constructor(private readonly db: Queryable) {}

  async balances(customerId: string): Promise<{ currency: string; balanceMinor: number }[]> {
    const { rows } = await this.db.query<{ currency: string; balance_minor: number }>(
      `SELECT currency, balance_minor FROM store_credit.accounts WHERE key = $1 ORDER BY currency`,
      [`customer:${customerId}`],
    );
    return rows.map((row) => ({ currency: row.currency, balanceMinor: row.balance_minor }));
  }

  async entries(customerId: string, page: { first: number; after?: string | null }): Promise<StoreCreditEntryPage> {
    if (!Number.isSafeInteger(page.first) || page.first < 0) throw new RangeError(`first must be a non-negative integer, but got: ${String(page.first)}`);
    const first = Math.min(page.first, MAX_ENTRIES_PAGE);
    const after = page.after ? decodeCursor(page.after) : null;
    if (page.after && !after) throw new RangeError('after is not a cursor of these entries');
    const { rows } = await this.db.query<{
      id: string;
      kind: 'REFUND' | 'REDEMPTION';
      amount: number;
      currency: string;
      created_at: Date;
      created_text: string;
    }>(
      `SELECT e.id, e.kind, (l.credit_minor - l.debit_minor)::int8 AS amount, e.currency, e.created_at, e.created_at::text AS created_text
         FROM store_credit.accounts a
         JOIN store_credit.entry_lines l ON l.account_id = a.id
         JOIN store_credit.entries e ON e.id = l.entry_id
        WHERE a.key = $1 AND ($2::timestamptz IS NULL OR (e.created_at, e.id) < ($2::timestamptz, $3::text))
        ORDER BY e.created_at DESC, e.id DESC LIMIT $4`,
      [`customer:${customerId}`, after?.createdAt ?? null, after?.entryId ?? null, first + 1],
    );
    const entries: StoreCreditEntry[] = rows.slice(0, first).map((row) => ({
      entryId: row.id,
      kind: row.kind,
      amountMinor: Math.abs(row.amount),
      currency: row.currency,
      createdAt: row.created_at,
      cursor: encodeCursor({ createdAt: row.created_text, entryId: row.id }),
    }));
    return {
      entries,
      hasNextPage: rows.length > first,
    };
  }
}

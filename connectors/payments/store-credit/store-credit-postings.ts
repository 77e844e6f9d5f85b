/**
 * The ledger's writes, inside the caller's transaction: accounts created on first use, and entries
 * of exactly two lines (one debit, one credit of the same amount). The database checks the rest:
 * balances never below zero (CHECK), every entry balanced at commit (deferred constraint triggers).
 */
import { randomBytes } from 'node:crypto';
import type { Queryable } from '../../../platform/db';

/** Kinds of account, each with the side its balance is kept on (see the migration). */
export type AccountKind = 'customer' | 'gift_card' | 'issued' | 'redeemed';

/** The expense account store credit given as refunds is debited to. */
export const ISSUED_ACCOUNT = 'system:issued';
/** The clearing account credit spent at checkout is credited to (and refunds of it debited from). */
export const REDEEMED_ACCOUNT = 'system:redeemed';

/** A stored entry, as the gateway reports it. */
export interface EntryRow {
  [column: string]: unknown;
  id: string;
  kind: 'REFUND' | 'REDEMPTION';
  request_reference: string;
  account_key: string;
  amount_minor: number;
  currency: string;
  created_at: Date;
}

export const ENTRY_COLUMNS = 'id, kind, request_reference, account_key, amount_minor, currency, created_at';

/** The id of `key`'s account in `currency`, created on first use. */
export async function accountId(tx: Queryable, key: string, currency: string, kind: AccountKind, owner: string | null = null): Promise<number> {
  await tx.query(
    `INSERT INTO store_credit.accounts (key, currency, kind, normal_side, owner_customer_id) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (key, currency) DO NOTHING`,
    [key, currency, kind, kind === 'issued' ? 'debit' : 'credit', owner],
  );
  const { rows } = await tx.query<{ id: number }>(`SELECT id FROM store_credit.accounts WHERE key = $1 AND currency = $2`, [key, currency]);
  if (!rows[0]) throw new Error(`store credit account ${key} ${currency} vanished after it was created`);
  return rows[0].id;
}

/** A new gift card number: `GC-` and ten digits from the ledger's sequence. */
export async function issueGiftCardNumber(tx: Queryable): Promise<string> {
  const { rows } = await tx.query<{ n: number }>(`SELECT nextval('store_credit.gift_card_number_seq')::int8 AS n`);
  return `GC-${String(rows[0]?.n ?? 0).padStart(10, '0')}`;
}

/** What one entry books: `amountMinor` from `debit` to `credit`, under the caller's idempotency key. */
export interface Posting {
  kind: 'REFUND' | 'REDEMPTION';
  idempotencyKey: string;
  requestReference: string;
  /** The holder account the entry is about (credited by a refund, debited by a redemption). */
  accountKey: string;
  redemptionId?: string | null;
  amountMinor: number;
  currency: string;
  reason?: string | null;
  debitAccountId: number;
  creditAccountId: number;
}

/**
 * Inserts the entry and its two lines, or returns null when another transaction committed the
 * same idempotency key meanwhile (the caller reads that one back). The balance trigger moves both
 * accounts; an overdraft is a CHECK violation the caller maps to a decline.
 */
export async function post(tx: Queryable, posting: Posting): Promise<EntryRow | null> {
  const { rows } = await tx.query<EntryRow>(
    `INSERT INTO store_credit.entries (id, kind, idempotency_key, request_reference, account_key, redemption_id, amount_minor, currency, reason)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (idempotency_key) DO NOTHING RETURNING ${ENTRY_COLUMNS}`,
    [
      `sce_${randomBytes(12).toString('hex')}`,
      posting.kind,
      posting.idempotencyKey,
      posting.requestReference,
      posting.accountKey,
      posting.redemptionId ?? null,
      posting.amountMinor,
      posting.currency,
      posting.reason ?? null,
    ],
  );
  const entry = rows[0];
  if (!entry) return null;
  await tx.query(
    `INSERT INTO store_credit.entry_lines (entry_id, line_no, account_id, currency, debit_minor, credit_minor)
     VALUES ($1, 1, $2, $4, $3, 0), ($1, 2, $5, $4, 0, $3)`,
    [entry.id, posting.debitAccountId, posting.amountMinor, posting.currency, posting.creditAccountId],
  );
  return entry;
}

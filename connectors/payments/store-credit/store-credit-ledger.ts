/**
 * The built-in store-credit ledger: store credit and gift cards the retailer owes its customers, in
 * double entry in our own database (`store_credit` schema). It implements the payment port, so the
 * refunds subgraph pays STORE_CREDIT and GIFT_CARD tenders through it like any provider: idempotent
 * by the tender key, settled at once (SUCCEEDED). It also records redemptions (credit spent at
 * checkout), which a refund to the original payment pays back, never beyond what each took.
 */
import type { Db, Queryable } from '../../../platform/db';
import { SQLSTATE, sqlState, violatedConstraint } from '../../../platform/db/errors';
import {
  PaymentDeclinedError,
  PaymentUnavailableError,
  providerIdempotencyKey,
  refundIdOfIdempotencyKey,
  STORE_CREDIT_PROVIDER,
  type PaymentGateway,
  type ProviderRefund,
  type ProviderRefundRecord,
  type RecordWindow,
  type RefundRequest,
} from '../port';
import { creditTarget } from './store-credit-references';
import { accountId, ENTRY_COLUMNS, issueGiftCardNumber, ISSUED_ACCOUNT, post, REDEEMED_ACCOUNT, type EntryRow, type Posting } from './store-credit-postings';
import { validateLedgerRequest } from './store-credit-validation';

/** Credit spent from a holder account at checkout: the payment a refund to the original payment reverses. */
export interface Redemption {
  /** The payment's reference, unique: what a refund of it names as `paymentReference`. */
  paymentReference: string;
  /** The account spent from: `customer:<id>` or `gift_card:<number>`. */
  account: string;
  amountMinor: number;
  currency: string;
}

/** The key a redemption is stored under (refund keys are `providerIdempotencyKey`s, so the two never meet). */
const redemptionKey = (reference: string): string => `redemption:${reference}`;

/** A ledger over `db`. Safe to share; it uses `db` on its own, never inside a caller's transaction. */
export class StoreCreditLedger implements PaymentGateway {
  readonly provider = STORE_CREDIT_PROVIDER;

  constructor(private readonly db: Db) {
    if (!db || typeof db.transaction !== 'function') throw new TypeError(`StoreCreditLedger needs a Db (with transaction()), but got: ${String(db)}`);
  }

  /**
   * Credits the account `request.paymentReference` names (see `store-credit-references.ts`), once
   * per `request.refundId`: the same id and request answer with the same entry; the same id with
   * another reference, amount or currency is `PaymentDeclinedError('idempotency_error')`. Declines:
   * `invalid_request`, `resource_missing` (unknown redemption), `currency_mismatch`,
   * `amount_too_large` (beyond what a redemption has left).
   */
  async createRefund(request: RefundRequest): Promise<ProviderRefund> {
    validateLedgerRequest(request);
    const target = creditTarget(request.paymentReference);
    if (!target) throw new PaymentDeclinedError(`"${request.paymentReference}" names no store credit account`, 'invalid_request');
    const key = providerIdempotencyKey(request.refundId);
    const entry = await this.guard(() =>
      this.db.transaction(async (tx) => {
        const replay = await byKey(tx, key, request.paymentReference, request);
        if (replay) return replay;
        const posting: Omit<Posting, 'debitAccountId' | 'creditAccountId' | 'accountKey'> = {
          kind: 'REFUND',
          idempotencyKey: key,
          requestReference: request.paymentReference,
          amountMinor: request.amountMinor,
          currency: request.currency,
          reason: request.reason ?? null,
        };
        if (target.kind === 'redemption') return this.refundRedemption(tx, target.reference, posting);
        const issued = await accountId(tx, ISSUED_ACCOUNT, request.currency, 'issued');
        const holder =
          target.kind === 'new_gift_card'
            ? { key: `gift_card:${await issueGiftCardNumber(tx)}`, kind: 'gift_card' as const, owner: target.ownerCustomerId }
            : { key: target.accountKey, kind: target.kind, owner: null };
        const credited = await accountId(tx, holder.key, request.currency, holder.kind, holder.owner);
        return orRaced(tx, key, request, await post(tx, { ...posting, accountKey: holder.key, debitAccountId: issued, creditAccountId: credited }));
      }),
    );
    return toProviderRefund(entry);
  }

  /** The entry `providerRefundId`; an unknown id is `PaymentDeclinedError('resource_missing')`. */
  async getRefund(providerRefundId: string): Promise<ProviderRefund> {
    const { rows } = await this.guard(() =>
      this.db.query<EntryRow>(`SELECT ${ENTRY_COLUMNS} FROM store_credit.entries WHERE id = $1 AND kind = 'REFUND'`, [providerRefundId]),
    );
    if (!rows[0]) throw new PaymentDeclinedError(`no store credit refund "${providerRefundId}"`, 'resource_missing');
    return toProviderRefund(rows[0]);
  }

  /** The ledger's refund entries created in `window`, for reconciliation (`reference`: our tender key). */
  async listRefunds(window: RecordWindow): Promise<ProviderRefundRecord[]> {
    const { rows } = await this.guard(() =>
      this.db.query<EntryRow & { idempotency_key: string }>(
        `SELECT ${ENTRY_COLUMNS}, idempotency_key FROM store_credit.entries
          WHERE kind = 'REFUND' AND created_at >= $1 AND created_at < $2 ORDER BY created_at, id`,
        [window.from, window.to],
      ),
    );
    return rows.map((row) => ({
      providerRefundId: row.id,
      paymentReference: row.request_reference,
      amountMinor: row.amount_minor,
      currency: row.currency,
      status: 'SUCCEEDED',
      reference: refundIdOfIdempotencyKey(row.idempotency_key),
      createdAt: row.created_at,
    }));
  }

  /**
   * Spends `amountMinor` of `account` (checkout with store credit or a gift card), once per payment
   * reference; `insufficient_balance` when the account holds less. Returns the entry id.
   */
  async redeem(redemption: Redemption): Promise<string> {
    const { paymentReference, account, amountMinor, currency } = redemption;
    validateLedgerRequest({ refundId: paymentReference, paymentReference, amountMinor, currency });
    const target = creditTarget(account);
    if (!target || (target.kind !== 'customer' && target.kind !== 'gift_card')) {
      throw new PaymentDeclinedError(`"${account}" is not a store credit account`, 'invalid_request');
    }
    const key = redemptionKey(paymentReference);
    const entry = await this.guard(() =>
      this.db.transaction(async (tx) => {
        const replay = await byKey(tx, key, account, { amountMinor, currency });
        if (replay) return replay;
        const spent = await accountId(tx, account, currency, target.kind);
        const redeemed = await accountId(tx, REDEEMED_ACCOUNT, currency, 'redeemed');
        const posting = { kind: 'REDEMPTION' as const, idempotencyKey: key, requestReference: account, accountKey: account, amountMinor, currency };
        const posted = await post(tx, { ...posting, debitAccountId: spent, creditAccountId: redeemed });
        return posted ?? (await byKey(tx, key, account, { amountMinor, currency }));
      }),
    );
    if (!entry) throw new PaymentUnavailableError(`store credit ledger lost redemption "${paymentReference}" it was racing to record; retry`);
    return entry.id;
  }

  /**
   * Pays back a redemption to the account it was spent from, under the redemption's row lock so
   * two refunds of it cannot together exceed what it took.
   */
  private async refundRedemption(
    tx: Queryable,
    reference: string,
    posting: Omit<Posting, 'debitAccountId' | 'creditAccountId' | 'accountKey'>,
  ): Promise<EntryRow> {
    const { rows } = await tx.query<EntryRow>(`SELECT ${ENTRY_COLUMNS} FROM store_credit.entries WHERE idempotency_key = $1 FOR UPDATE`, [
      redemptionKey(reference),
    ]);
    const redemption = rows[0];
    if (!redemption) throw new PaymentDeclinedError(`no store credit payment "${reference}"`, 'resource_missing');
    if (redemption.currency !== posting.currency) {
      throw new PaymentDeclinedError(`payment "${reference}" was made in ${redemption.currency}, not ${posting.currency}`, 'currency_mismatch');
    }
    const { rows: sums } = await tx.query<{ refunded: number }>(
      `SELECT COALESCE(SUM(amount_minor), 0)::int8 AS refunded FROM store_credit.entries WHERE redemption_id = $1`,
      [redemption.id],
    );
    const left = redemption.amount_minor - (sums[0]?.refunded ?? 0);
    if (posting.amountMinor > left) {
      throw new PaymentDeclinedError(`refund of ${posting.amountMinor} exceeds what is left of payment "${reference}" (${left})`, 'amount_too_large');
    }
    const redeemed = await accountId(tx, REDEEMED_ACCOUNT, posting.currency, 'redeemed');
    const holder = await accountId(tx, redemption.account_key, posting.currency, redemption.account_key.startsWith('customer:') ? 'customer' : 'gift_card');
    const posted = await post(tx, {
      ...posting,
      accountKey: redemption.account_key,
      redemptionId: redemption.id,
      debitAccountId: redeemed,
      creditAccountId: holder,
    });
    return orRaced(tx, posting.idempotencyKey, { paymentReference: posting.requestReference, ...posting }, posted);
  }

  /**
   * Database trouble is the provider being unreachable (outcome unknown, retry with the same key);
   * an overdraft refused by the balance CHECK is a definitive decline.
   */
  private async guard<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof PaymentDeclinedError || error instanceof PaymentUnavailableError) throw error;
      if (sqlState(error) === SQLSTATE.CHECK_VIOLATION && violatedConstraint(error) === 'account_balance_not_negative') {
        throw new PaymentDeclinedError('the store credit account holds less than the amount', 'insufficient_balance');
      }
      const message = error instanceof Error ? error.message : String(error);
      throw Object.assign(new PaymentUnavailableError(`store credit ledger storage failed: ${message}`), { cause: error });
    }
  }
}

/** The entry stored under `key` when its request matches; another request under the key is `idempotency_error`. */
async function byKey(tx: Queryable, key: string, reference: string, request: { amountMinor: number; currency: string }): Promise<EntryRow | null> {
  const { rows } = await tx.query<EntryRow>(`SELECT ${ENTRY_COLUMNS} FROM store_credit.entries WHERE idempotency_key = $1`, [key]);
  const row = rows[0];
  if (!row) return null;
  if (row.request_reference !== reference || row.amount_minor !== request.amountMinor || row.currency !== request.currency) {
    throw new PaymentDeclinedError(`key "${key}" was already used for ${row.amount_minor} ${row.currency} to "${row.request_reference}"`, 'idempotency_error');
  }
  return row;
}

/** The posted entry, or — when a concurrent request committed the same key first — that one (checked like a replay). */
async function orRaced(
  tx: Queryable,
  key: string,
  request: Pick<RefundRequest, 'paymentReference' | 'amountMinor' | 'currency'>,
  posted: EntryRow | null,
): Promise<EntryRow> {
  if (posted) return posted;
  const raced = await byKey(tx, key, request.paymentReference, request);
  if (!raced) throw new PaymentUnavailableError('store credit ledger lost a refund it was racing to create; retry with the same key');
  return raced;
}

/** The ledger settles at once: every refund entry is a SUCCEEDED refund. */
function toProviderRefund(row: EntryRow): ProviderRefund {
  return { providerRefundId: row.id, status: 'SUCCEEDED', amountMinor: row.amount_minor, currency: row.currency, failureReason: null };
}

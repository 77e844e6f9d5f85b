import { randomBytes } from 'node:crypto';
import { newId } from '../../../platform/ids';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { describePaymentGatewayContract } from '../testing/payment-gateway.contract';
import { PaymentDeclinedError, storeCreditReference, type RefundRequest } from '../port';
import { StoreCreditLedger } from './store-credit-ledger';
import { StoreCreditStatements } from './store-credit-statements';

/**
 * For the ledger, a "payment" is credit spent at checkout: the harness funds a fresh gift card
 * (a refund entry, as a refund to a new card would) and redeems the whole of it under the payment
 * reference. A refund of that reference pays it back to the card, never beyond what it took — the
 * over-refund and unknown-payment cases of the suite are the ledger's own checks, not skipped.
 */
describePaymentGatewayContract('store credit ledger (PostgreSQL)', async () => {
  const database = await createTestDatabase();
  const ledger = new StoreCreditLedger(database.db);
  return {
    gateway: ledger,
    newPaymentReference: () => `scp_${randomBytes(8).toString('hex')}`,
    async addPayment(reference, amountMinor, currency) {
      const card = storeCreditReference.giftCard(`GCT-${reference}`);
      await ledger.createRefund({ refundId: `fund-${reference}`, paymentReference: card, amountMinor, currency });
      await ledger.redeem({ paymentReference: reference, account: card, amountMinor, currency });
    },
    dispose: () => database.drop(),
  };
});

let database: TestDatabase;
let ledger: StoreCreditLedger;
let statements: StoreCreditStatements;

beforeAll(async () => {
  database = await createTestDatabase();
  ledger = new StoreCreditLedger(database.db);
  statements = new StoreCreditStatements(database.db);
});
afterAll(async () => {
  await database.drop();
});

const customer = (): string => `cus_${randomBytes(6).toString('hex')}`;
const credit = (paymentReference: string, amountMinor: number, refundId = `${newId('rft')}:g1`): RefundRequest => ({
  refundId,
  paymentReference,
  amountMinor,
  currency: 'USD',
});

async function declineCode(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PaymentDeclinedError);
  return (error as PaymentDeclinedError).code;
}

async function balanceOf(key: string, currency = 'USD'): Promise<number | undefined> {
  const { rows } = await database.db.query<{ balance_minor: number }>(`SELECT balance_minor FROM store_credit.accounts WHERE key = $1 AND currency = $2`, [
    key,
    currency,
  ]);
  return rows[0]?.balance_minor;
}

describe('double entry in SQL', () => {
  it('refuses an entry whose debits and credits differ at commit', async () => {
    const unbalanced = database.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ id: number }>(
        `INSERT INTO store_credit.accounts (key, currency, kind, normal_side) VALUES ($1, 'USD', 'customer', 'credit'), ('system:issued', 'USD', 'issued', 'debit')
         ON CONFLICT (key, currency) DO UPDATE SET key = excluded.key RETURNING id`,
        [`customer:${customer()}`],
      );
      const [holder, issued] = rows as [{ id: number }, { id: number }];
      await tx.query(
        `INSERT INTO store_credit.entries (id, kind, idempotency_key, request_reference, account_key, amount_minor, currency) VALUES ('sce_${'a'.repeat(24)}', 'REFUND', 'k-unbalanced', 'customer:x', 'customer:x', 500, 'USD')`,
      );
      await tx.query(
        `INSERT INTO store_credit.entry_lines (entry_id, line_no, account_id, currency, debit_minor, credit_minor) VALUES ($1, 1, $2, 'USD', 500, 0), ($1, 2, $3, 'USD', 0, 499)`,
        [`sce_${'a'.repeat(24)}`, issued.id, holder.id],
      );
    });
    await expect(unbalanced).rejects.toMatchObject({ constraint: 'store_credit_entry_balanced' });
    expect((await database.db.query(`SELECT 1 FROM store_credit.entries WHERE idempotency_key = 'k-unbalanced'`)).rowCount).toBe(0);
  });

  it('refuses an entry of a single line', async () => {
    const oneSided = database.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ id: number }>(
        `INSERT INTO store_credit.accounts (key, currency, kind, normal_side) VALUES ($1, 'USD', 'customer', 'credit') RETURNING id`,
        [`customer:${customer()}`],
      );
      await tx.query(
        `INSERT INTO store_credit.entries (id, kind, idempotency_key, request_reference, account_key, amount_minor, currency) VALUES ('sce_${'b'.repeat(24)}', 'REFUND', 'k-one-line', 'customer:x', 'customer:x', 500, 'USD')`,
      );
      await tx.query(
        `INSERT INTO store_credit.entry_lines (entry_id, line_no, account_id, currency, debit_minor, credit_minor) VALUES ($1, 1, $2, 'USD', 0, 500)`,
        [`sce_${'b'.repeat(24)}`, rows[0]?.id],
      );
    });
    await expect(oneSided).rejects.toMatchObject({ constraint: 'store_credit_entry_balanced' });
  });

  it('keeps every posted entry balanced and the books append-only', async () => {
    const to = storeCreditReference.customer(customer());
    const entry = await ledger.createRefund(credit(to, 1_234));
    const { rows } = await database.db.query<{ debits: number; credits: number; lines: number }>(
      `SELECT sum(debit_minor)::int8 AS debits, sum(credit_minor)::int8 AS credits, count(*)::int8 AS lines FROM store_credit.entry_lines WHERE entry_id = $1`,
      [entry.providerRefundId],
    );
    expect(rows[0]).toEqual({ debits: 1_234, credits: 1_234, lines: 2 });
    await expect(database.db.query(`UPDATE store_credit.entry_lines SET credit_minor = 1 WHERE entry_id = $1`, [entry.providerRefundId])).rejects.toThrow(
      /append-only/,
    );
  });

  it('never lets a holder spend more than it holds', async () => {
    const card = storeCreditReference.giftCard(`GCT-${customer()}`);
    await ledger.createRefund(credit(card, 500));
    expect(await declineCode(ledger.redeem({ paymentReference: `scp_${customer()}`, account: card, amountMinor: 501, currency: 'USD' }))).toBe(
      'insufficient_balance',
    );
    await ledger.redeem({ paymentReference: `scp_${customer()}`, account: card, amountMinor: 500, currency: 'USD' });
    expect(await balanceOf(card)).toBe(0);
  });
});

describe('crediting accounts', () => {
  it('credits a customer account by exactly the amount, once per key, and shows it with its entries', async () => {
    const id = customer();
    const request = credit(storeCreditReference.customer(id), 2_500);
    const first = await ledger.createRefund(request);
    const again = await ledger.createRefund(request);
    expect(first).toMatchObject({ status: 'SUCCEEDED', amountMinor: 2_500, currency: 'USD' });
    expect(again.providerRefundId).toBe(first.providerRefundId);
    expect(await statements.balances(id)).toEqual([{ currency: 'USD', balanceMinor: 2_500 }]);
    const page = await statements.entries(id, { first: 10 });
    expect(page.entries.map((entry) => [entry.entryId, entry.kind, entry.amountMinor])).toEqual([[first.providerRefundId, 'REFUND', 2_500]]);
    expect(page.hasNextPage).toBe(false);
  });

  it('refuses the same key for another amount or account with idempotency_error', async () => {
    const to = storeCreditReference.customer(customer());
    const request = credit(to, 700);
    await ledger.createRefund(request);
    expect(await declineCode(ledger.createRefund({ ...request, amountMinor: 701 }))).toBe('idempotency_error');
    expect(await declineCode(ledger.createRefund({ ...request, paymentReference: storeCreditReference.customer(customer()) }))).toBe('idempotency_error');
  });

  it('books one entry for concurrent requests with the same key', async () => {
    const id = customer();
    const request = credit(storeCreditReference.customer(id), 999);
    const answers = await Promise.all(Array.from({ length: 8 }, () => ledger.createRefund(request)));
    expect(new Set(answers.map((answer) => answer.providerRefundId)).size).toBe(1);
    expect(await statements.balances(id)).toEqual([{ currency: 'USD', balanceMinor: 999 }]);
    const { rows } = await database.db.query(`SELECT id FROM store_credit.entries WHERE idempotency_key LIKE $1`, [`%${request.refundId}`]);
    expect(rows).toHaveLength(1);
  });

  it('issues one new gift card to a customer however often the refund is asked for', async () => {
    const owner = customer();
    const request = credit(storeCreditReference.newGiftCard(owner), 1_500);
    const first = await ledger.createRefund(request);
    await ledger.createRefund(request);
    const { rows } = await database.db.query<{ key: string; balance_minor: number }>(
      `SELECT key, balance_minor FROM store_credit.accounts WHERE owner_customer_id = $1`,
      [owner],
    );
    expect(rows).toEqual([{ key: expect.stringMatching(/^gift_card:GC-\d{10}$/), balance_minor: 1_500 }]);
    expect(first.status).toBe('SUCCEEDED');
  });

  it('credits an existing gift card, the one an order was paid with', async () => {
    const card = storeCreditReference.giftCard(`GC-EXT-${customer()}`);
    await ledger.createRefund(credit(card, 300));
    await ledger.createRefund(credit(card, 200));
    expect(await balanceOf(card)).toBe(500);
  });

  it('takes holder ids as orders carry them, spaces and colons included', async () => {
    const card = storeCreditReference.giftCard(`GC EXT:${customer()}`);
    await ledger.createRefund(credit(card, 250));
    expect(await balanceOf(card)).toBe(250);
  });

  it('declines malformed account references', async () => {
    expect(await declineCode(ledger.createRefund(credit('customer:', 100)))).toBe('invalid_request');
    expect(await declineCode(ledger.createRefund(credit('gift_card:tab\there', 100)))).toBe('invalid_request');
    expect(await declineCode(ledger.createRefund(credit(`new_gift_card:${'c'.repeat(256)}`, 100)))).toBe('invalid_request');
  });

  it('pages a customer entries newest first', async () => {
    const id = customer();
    for (const amount of [100, 200, 300]) await ledger.createRefund(credit(storeCreditReference.customer(id), amount));
    const first = await statements.entries(id, { first: 2 });
    expect(first.entries.map((entry) => entry.amountMinor)).toEqual([300, 200]);
    expect(first.hasNextPage).toBe(true);
    const second = await statements.entries(id, { first: 2, after: first.entries.at(-1)?.cursor });
    expect(second.entries.map((entry) => entry.amountMinor)).toEqual([100]);
    expect(second.hasNextPage).toBe(false);
    await expect(statements.entries(id, { first: 2, after: 'not-a-cursor' })).rejects.toThrow(RangeError);
  });
});

describe('reconciliation', () => {
  it('lists the refund entries of a window with our tender key', async () => {
    const from = new Date(Date.now() - 1_000);
    const request = credit(storeCreditReference.customer(customer()), 450);
    const entry = await ledger.createRefund(request);
    const records = await ledger.listRefunds({ from, to: new Date(Date.now() + 1_000) });
    expect(records).toContainEqual(
      expect.objectContaining({ providerRefundId: entry.providerRefundId, reference: request.refundId, amountMinor: 450, status: 'SUCCEEDED' }),
    );
    expect(await ledger.listRefunds({ from: new Date(0), to: from })).not.toContainEqual(expect.objectContaining({ providerRefundId: entry.providerRefundId }));
  });
});

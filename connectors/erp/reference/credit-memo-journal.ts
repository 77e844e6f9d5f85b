/**
 * How the reference ERP books a credit memo: one balanced journal entry. The accounts, and why:
 *
 * | Account | Side | Amount | Why |
 * |---|---|---|---|
 * | 4100 Sales returns and allowances | debit | Σ line net | reverses the merchandise revenue, in a contra-revenue account so gross sales stay visible |
 * | 4200 Shipping income | debit | shipping refunded | reverses the shipping charged |
 * | 2200 Sales tax payable | debit | Σ line tax + shipping tax | the tax refunded is no longer owed to the tax authority |
 * | 4300 Restocking fee income | credit | restocking fee | the part of the sale the retailer keeps, as income (untaxed in this model) |
 * | 1150 Refund clearing | credit | tenders paid to the original payment | the provider pays the customer from the clearing account, reconciled against its settlement report |
 * | 2400 Store credit liability | credit | STORE_CREDIT tenders | store credit is owed to the customer until spent |
 * | 1000 Cash on hand | credit | CASH tenders | cash handed over at a counter |
 *
 * Debits = net + shipping + tax = total + restocking fee = credits, for every valid memo.
 */
import type { ErpCreditMemo } from '../port';
import { creditMemoParts } from '../credit-memo';

/** The chart of accounts codes the credit memo posting uses (seeded by migration 002). */
export const ACCOUNT = {
  cash: '1000',
  refundClearing: '1150',
  salesTaxPayable: '2200',
  storeCreditLiability: '2400',
  salesReturns: '4100',
  shippingIncome: '4200',
  restockingFeeIncome: '4300',
} as const;

/** The account a tender method credits; any method not listed pays out through the provider (refund clearing). */
const TENDER_ACCOUNTS: Readonly<Record<string, string>> = {
  STORE_CREDIT: ACCOUNT.storeCreditLiability,
  CASH: ACCOUNT.cash,
};

/** One line of a journal entry: exactly one of debit and credit is above zero. */
export interface JournalLine {
  account: string;
  debitMinor: number;
  creditMinor: number;
  memo: string;
}

/** The journal lines of a (validated) credit memo; zero amounts are left out, tenders to one account are summed. */
export function creditMemoJournal(memo: ErpCreditMemo): JournalLine[] {
  const { merchandiseNetMinor, merchandiseTaxMinor } = creditMemoParts(memo);
  const lines: JournalLine[] = [];
  const debit = (account: string, amount: number, text: string) => {
    if (amount > 0) lines.push({ account, debitMinor: amount, creditMinor: 0, memo: text });
  };
  const credit = (account: string, amount: number, text: string) => {
    if (amount > 0) lines.push({ account, debitMinor: 0, creditMinor: amount, memo: text });
  };
  debit(ACCOUNT.salesReturns, merchandiseNetMinor, 'returned merchandise, net of tax');
  debit(ACCOUNT.shippingIncome, memo.shippingMinor, 'shipping refunded');
  debit(ACCOUNT.salesTaxPayable, merchandiseTaxMinor + memo.shippingTaxMinor, 'sales tax refunded');
  credit(ACCOUNT.restockingFeeIncome, memo.restockingFeeMinor, 'restocking fee kept');
  const byAccount = new Map<string, { amount: number; methods: Set<string> }>();
  for (const tender of memo.tenders) {
    const account = TENDER_ACCOUNTS[tender.method] ?? ACCOUNT.refundClearing;
    const entry = byAccount.get(account) ?? { amount: 0, methods: new Set<string>() };
    entry.amount += tender.amountMinor;
    entry.methods.add(tender.method);
    byAccount.set(account, entry);
  }
  for (const [account, { amount, methods }] of byAccount) credit(account, amount, `refund paid out: ${[...methods].join(', ')}`);
  return lines;
}

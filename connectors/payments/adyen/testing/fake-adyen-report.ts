/**
 * The fake Adyen's Settlement details report: Adyen's default column names (a subset, in
 * Adyen's order, plus `Modification Merchant Reference`), one `Refunded` row per refund Adyen
 * booked and a `RefundedReversed` row for each one taken back, amounts as decimal strings in
 * Adyen's decimals, times in UTC.
 */
import { adyenDecimals } from '../adyen-amounts';
import type { FakeAdyenRefund } from './fake-adyen-ledger';

const COLUMNS = [
  'Company Account',
  'Merchant Account',
  'Psp Reference',
  'Merchant Reference',
  'Payment Method',
  'Creation Date',
  'TimeZone',
  'Type',
  'Modification Reference',
  'Gross Currency',
  'Gross Debit (GC)',
  'Gross Credit (GC)',
  'Exchange Rate',
  'Net Currency',
  'Net Debit (NC)',
  'Net Credit (NC)',
  'Batch Number',
  'Modification Merchant Reference',
];

/** `value` (Adyen minor units) as the report's decimal string. */
function decimal(value: number, currency: string): string {
  const decimals = adyenDecimals(currency);
  if (decimals === 0) return String(value);
  const digits = String(value).padStart(decimals + 1, '0');
  return `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
}

/** `2026-12-01 10:22:11`. */
function reportTime(at: Date): string {
  return at.toISOString().slice(0, 19).replace('T', ' ');
}

/** The CSV of the refunds that Adyen booked (refunded or reversed since). */
export function settlementReportCsv(merchantAccount: string, batchNumber: number, refunds: readonly FakeAdyenRefund[]): string {
  const lines = [COLUMNS.join(',')];
  for (const refund of refunds) {
    if (refund.state !== 'refunded' && refund.state !== 'reversed') continue;
    const amount = decimal(refund.value, refund.currency);
    const common = ['ReturnsGraphCompany', merchantAccount, refund.paymentPspReference, `order-${refund.paymentPspReference}`, 'visa'];
    const tail = (debit: string, credit: string) => [
      refund.pspReference,
      refund.currency,
      debit,
      credit,
      '1',
      refund.currency,
      debit,
      credit,
      String(batchNumber),
      refund.reference,
    ];
    lines.push([...common, reportTime(refund.createdAt), 'UTC', 'Refunded', ...tail(amount, '')].join(','));
    if (refund.state === 'reversed') lines.push([...common, reportTime(new Date()), 'UTC', 'RefundedReversed', ...tail('', amount)].join(','));
  }
  return `${lines.join('\n')}\n`;
}

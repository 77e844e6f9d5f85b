/**
 * Adyen's Settlement details report (CSV) as the port's `ProviderRefundRecord`s, for three-way
 * reconciliation. Columns are found by their header names (Adyen lets merchants add and reorder
 * columns); rows of type `Refunded` are refunds Adyen booked, `RefundedReversed` takes one back.
 * Amounts are decimal strings in Adyen's decimals, converted exactly (adyen-amounts.ts).
 */
import { parse } from 'csv-parse/sync';
import type { ProviderRefundRecord, RecordWindow } from '../port';
import { adyenDecimalToValue, fromAdyenValue } from './adyen-amounts';

/** Record types we read; every other type (Settled, Fee, MerchantPayout, …) is not a refund. */
const REFUND_TYPES: ReadonlySet<string> = new Set(['Refunded', 'RefundedReversed']);

/** Columns a refund row needs. `Modification Merchant Reference` (our key) is optional in the report setup and read when present. */
const REQUIRED_COLUMNS = ['Psp Reference', 'Modification Reference', 'Type', 'Creation Date', 'TimeZone', 'Gross Currency'] as const;

/** Time zones whose `Creation Date` we can read as UTC. The report's time zone is an account setting: set it to UTC. */
const UTC_ZONES: ReadonlySet<string> = new Set(['UTC', 'GMT', 'Etc/UTC', 'Z']);

type Row = Record<string, string>;

/** `2026-12-01 10:22:11` in UTC. */
function creationDate(row: Row): Date {
  const zone = (row['TimeZone'] ?? '').trim();
  if (!UTC_ZONES.has(zone)) {
    throw new RangeError(`settlement report time zone "${zone}" is not UTC: set the report time zone to UTC in the Customer Area`);
  }
  const match = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/.exec((row['Creation Date'] ?? '').trim());
  if (!match) throw new RangeError(`settlement report Creation Date "${row['Creation Date']}" is not "YYYY-MM-DD hh:mm:ss"`);
  return new Date(`${match[1]}T${match[2]}Z`);
}

/** The row's gross amount in our minor units: Gross Debit for a refund, Gross Credit for its reversal. */
function grossMinor(row: Row, currency: string): number {
  const debit = (row['Gross Debit (GC)'] ?? '').trim();
  const credit = (row['Gross Credit (GC)'] ?? '').trim();
  const text = debit !== '' ? debit : credit;
  if (text === '') throw new RangeError(`settlement report row ${row['Modification Reference']} has no gross amount`);
  return fromAdyenValue(adyenDecimalToValue(text, currency), currency);
}

/**
 * Refund records of one settlement details report, one per modification pspReference: a refund
 * with a `RefundedReversed` row reads as FAILED (the money came back), otherwise SUCCEEDED. Only
 * records created in `window` (by the refund's own row) are returned. Throws a `RangeError` when
 * the CSV lacks a needed column or holds a value we cannot read exactly.
 */
export function refundRecordsFromSettlementReport(csv: string, window: RecordWindow): ProviderRefundRecord[] {
  const rows = parse(csv, { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Row[];
  const header = rows[0] ? Object.keys(rows[0]) : [];
  const missing = rows.length > 0 ? REQUIRED_COLUMNS.filter((column) => !header.includes(column)) : [];
  if (missing.length > 0) throw new RangeError(`settlement report lacks column(s): ${missing.join(', ')}`);
  const records = new Map<string, ProviderRefundRecord>();
  const reversed = new Set<string>();
  for (const row of rows) {
    const type = row['Type'] ?? '';
    if (!REFUND_TYPES.has(type)) continue;
    const modification = row['Modification Reference'] ?? '';
    if (type === 'RefundedReversed') {
      reversed.add(modification);
      continue;
    }
    const currency = (row['Gross Currency'] ?? '').toUpperCase();
    records.set(modification, {
      providerRefundId: modification,
      paymentReference: row['Psp Reference'] || null,
      amountMinor: grossMinor(row, currency),
      currency,
      status: 'SUCCEEDED',
      reference: row['Modification Merchant Reference'] || null,
      createdAt: creationDate(row),
    });
  }
  return [...records.values()]
    .map((record) => (reversed.has(record.providerRefundId) ? { ...record, status: 'FAILED' as const } : record))
    .filter((record) => record.createdAt >= window.from && record.createdAt < window.to);
}

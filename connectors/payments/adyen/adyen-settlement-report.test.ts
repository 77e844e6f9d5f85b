import { refundRecordsFromSettlementReport } from './adyen-settlement-report';

const WINDOW = { from: new Date('2026-12-01T00:00:00Z'), to: new Date('2026-12-02T00:00:00Z') };
/** Adyen's columns in another order than the fake writes them, plus ones we do not read. */
const HEADER =
  'Merchant Account,Type,Psp Reference,Modification Reference,Creation Date,TimeZone,Gross Currency,Gross Debit (GC),Gross Credit (GC),Commission (NC),Modification Merchant Reference';

describe('refundRecordsFromSettlementReport', () => {
  it('reads Refunded rows by column name, exactly in our minor units, and skips other record types', () => {
    const csv = [
      HEADER,
      'Shop,Settled,PAY0000000000001,,2026-12-01 08:00:00,UTC,EUR,,100.00,0.12,',
      'Shop,Refunded,PAY0000000000001,MOD0000000000001,2026-12-01 09:30:00,UTC,EUR,12.50,,0.10,rft_A:g1',
      'Shop,Refunded,PAY0000000000002,MOD0000000000002,2026-12-01 10:00:00,UTC,ISK,279.00,,0.00,rft_B:g2',
      'Shop,Refunded,PAY0000000000003,MOD0000000000003,2026-12-01 11:00:00,UTC,KWD,1.234,,0.000,',
      'Shop,Fee,,,2026-12-01 12:00:00,UTC,EUR,0.50,,,',
    ].join('\n');
    expect(refundRecordsFromSettlementReport(csv, WINDOW)).toEqual([
      {
        providerRefundId: 'MOD0000000000001',
        paymentReference: 'PAY0000000000001',
        amountMinor: 1_250,
        currency: 'EUR',
        status: 'SUCCEEDED',
        reference: 'rft_A:g1',
        createdAt: new Date('2026-12-01T09:30:00Z'),
      },
      expect.objectContaining({ providerRefundId: 'MOD0000000000002', amountMinor: 279, currency: 'ISK', reference: 'rft_B:g2' }),
      expect.objectContaining({ providerRefundId: 'MOD0000000000003', amountMinor: 1_234, currency: 'KWD', reference: null }),
    ]);
  });

  it('reads a refund with a RefundedReversed row as FAILED and leaves out refunds outside the window', () => {
    const csv = [
      HEADER,
      'Shop,Refunded,PAY0000000000001,MOD0000000000001,2026-12-01 09:30:00,UTC,EUR,12.50,,,rft_A:g1',
      'Shop,RefundedReversed,PAY0000000000001,MOD0000000000001,2026-12-03 09:30:00,UTC,EUR,,12.50,,rft_A:g1',
      'Shop,Refunded,PAY0000000000009,MOD0000000000009,2026-11-30 23:59:59,UTC,EUR,1.00,,,rft_Z:g1',
    ].join('\n');
    expect(refundRecordsFromSettlementReport(csv, WINDOW)).toEqual([expect.objectContaining({ providerRefundId: 'MOD0000000000001', status: 'FAILED' })]);
  });

  it('refuses what it cannot read exactly rather than guess', () => {
    const row = (zone: string, amount: string) => `${HEADER}\nShop,Refunded,P,M,2026-12-01 09:30:00,${zone},EUR,${amount},,,`;
    expect(() => refundRecordsFromSettlementReport(row('CET', '1.00'), WINDOW)).toThrow('is not UTC');
    expect(() => refundRecordsFromSettlementReport(row('UTC', '1.005'), WINDOW)).toThrow('more than 2 decimals');
    expect(() => refundRecordsFromSettlementReport('Type,Psp Reference\nRefunded,P\n', WINDOW)).toThrow('lacks column(s)');
    expect(refundRecordsFromSettlementReport(`${HEADER}\n`, WINDOW)).toEqual([]);
  });
});

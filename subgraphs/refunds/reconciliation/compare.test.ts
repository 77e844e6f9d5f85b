import { newId } from '../../../platform/ids';
import type { ProviderRefundRecord } from '../../../connectors/payments/port';
import { compare, type ComparisonInput } from './compare';
import type { GraphRefund, GraphTender } from './types';

/** The comparison alone, on hand-built sides: the cases the database test does not plant. */
const from = new Date('2026-03-01T00:00:00Z');
const to = new Date('2026-03-02T00:00:00Z');
const inWindow = new Date('2026-03-01T12:00:00Z');

function tender(overrides: Partial<GraphTender> = {}): GraphTender {
  return {
    id: newId('rft'),
    provider: 'stripe',
    providerRefundId: `re_${newId('evt').slice(4)}`,
    amountMinor: 1_000,
    status: 'SUCCEEDED',
    generation: 1,
    ...overrides,
  };
}

function refund(tenders: GraphTender[], overrides: Partial<GraphRefund> = {}): GraphRefund {
  const amountMinor = tenders.reduce((sum, t) => sum + t.amountMinor, 0);
  return {
    id: newId('rfd'),
    orderId: newId('ord'),
    status: 'SUCCEEDED',
    amountMinor,
    currency: 'USD',
    createdAt: inWindow,
    lastChangeAt: inWindow,
    memo: null,
    tenders,
    ...overrides,
  };
}

function record(t: GraphTender, overrides: Partial<ProviderRefundRecord> = {}): ProviderRefundRecord {
  return {
    providerRefundId: t.providerRefundId ?? 're_x',
    paymentReference: 'pi_x',
    amountMinor: t.amountMinor,
    currency: 'USD',
    status: 'SUCCEEDED',
    reference: `${t.id}:g${t.generation}`,
    createdAt: inWindow,
    ...overrides,
  };
}

function input(
  refunds: GraphRefund[],
  records: ProviderRefundRecord[],
  memos: ComparisonInput['erp']['records'],
  overrides: Partial<ComparisonInput> = {},
): ComparisonInput {
  const tenders = refunds.flatMap((r) => r.tenders.map((t) => ({ ...t, refundId: r.id })));
  return {
    window: { from, to },
    refunds,
    tendersOfRecords: tenders,
    knownRefundIds: new Set(refunds.map((r) => r.id)),
    providers: [{ provider: 'stripe', status: 'OK', message: null, records }],
    erp: { status: 'OK', message: null, records: memos },
    sourceOf: (provider) => (provider === 'internal' ? null : 'stripe'),
    ...overrides,
  };
}

const memoOf = (r: GraphRefund, overrides: Partial<ComparisonInput['erp']['records'][number]> = {}) => ({
  refundId: r.id,
  erpReference: `CM-${r.id.slice(-6)}`,
  totalMinor: r.amountMinor,
  currency: r.currency,
  postedAt: inWindow,
  ...overrides,
});

describe('compare', () => {
  it('finds nothing for a tender paid on its second attempt after a failed first', () => {
    const t = tender({ generation: 2 });
    const r = refund([t]);
    const failedFirst = record(t, { providerRefundId: 're_first', status: 'FAILED', reference: `${t.id}:g1` });
    expect(compare(input([r], [failedFirst, record(t)], [memoOf(r)]))).toEqual([]);
  });

  it('counts an internal tender that succeeded as paid: booked nowhere, it is PAID_NOT_BOOKED without a provider', () => {
    const r = refund([tender({ provider: 'internal', providerRefundId: null })]);
    const findings = compare(input([r], [], []));
    expect(findings).toEqual([expect.objectContaining({ code: 'PAID_NOT_BOOKED', provider: null, needsErp: true, refundId: r.id })]);
  });

  it('does not call a memo unpaid while a provider of the refund could not be read', () => {
    const t = tender({ status: 'SUBMITTED' });
    const r = refund([t]);
    const unread = input([r], [], [memoOf(r)], { providers: [{ provider: 'stripe', status: 'UNAVAILABLE', message: 'down', records: [] }] });
    expect(compare(unread)).toEqual([]);
    expect(compare(input([r], [], [memoOf(r)]))).toEqual([expect.objectContaining({ code: 'BOOKED_NOT_PAID', provider: 'stripe' })]);
  });

  it('reports a memo for a refund the graph does not hold as BOOKED_NOT_PAID, with only the ERP as evidence', () => {
    const stranger = { refundId: newId('rfd'), erpReference: 'CM-999999', totalMinor: 500, currency: 'USD', postedAt: inWindow };
    expect(compare(input([], [], [stranger]))).toEqual([
      expect.objectContaining({
        code: 'BOOKED_NOT_PAID',
        refundId: stranger.refundId,
        evidence: { graph: null, provider: null, erp: expect.objectContaining({ erpReference: 'CM-999999' }) },
      }),
    ]);
  });

  it('leaves provider refunds and memos outside the window to the runs of their own windows', () => {
    const before = new Date(from.getTime() - 60_000);
    const foreign = {
      providerRefundId: 're_before',
      paymentReference: 'pi_y',
      amountMinor: 1,
      currency: 'USD',
      status: 'SUCCEEDED' as const,
      reference: null,
      createdAt: before,
    };
    const stranger = { refundId: newId('rfd'), erpReference: 'CM-1', totalMinor: 1, currency: 'USD', postedAt: before };
    expect(compare(input([], [foreign], [stranger]))).toEqual([]);
  });

  it('names the provider side when Stripe paid another amount or currency than the tender', () => {
    const t = tender();
    const r = refund([t]);
    const findings = compare(input([r], [record(t, { amountMinor: 990, currency: 'EUR' })], [memoOf(r)]));
    expect(findings.map((f) => [f.code, f.sides, f.provider])).toEqual([
      ['AMOUNT_DIFFERS', 'GRAPH_PROVIDER', 'stripe'],
      ['CURRENCY_DIFFERS', 'GRAPH_PROVIDER', 'stripe'],
    ]);
    expect(findings[0]?.message).toContain('1000 (graph tender) vs 990 (stripe)');
  });
});

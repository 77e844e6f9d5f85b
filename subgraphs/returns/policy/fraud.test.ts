import { fraudAssessment, type FraudInput } from './fraud';
import { loadDefaultPolicy } from './load';
import { policyWith } from './testing/policy-kit';

const policy = loadDefaultPolicy();
const clean: FraudInput = { returnsIn30Days: 1, returnsIn90Days: 1, returnedValue90DaysMinor: 5_000, purchasedValue90DaysMinor: 50_000, receiptless: false };

describe('fraud assessment', () => {
  it('approves a first return with a receipt, giving no reasons', () => {
    expect(fraudAssessment(policy, clean)).toEqual({ outcome: 'APPROVE', reasons: [] });
  });

  it('asks for review at 3 returns in 30 days, and declines at 5', () => {
    expect(fraudAssessment(policy, { ...clean, returnsIn30Days: 2, returnsIn90Days: 2 }).outcome).toBe('APPROVE');
    expect(fraudAssessment(policy, { ...clean, returnsIn30Days: 3, returnsIn90Days: 3 })).toEqual({
      outcome: 'REVIEW',
      reasons: [{ signal: 'RETURNS_IN_30_DAYS', outcome: 'REVIEW', message: '3 returns in the last 30 days (threshold 3).' }],
    });
    expect(fraudAssessment(policy, { ...clean, returnsIn30Days: 5, returnsIn90Days: 5 }).reasons[0]).toEqual({
      signal: 'RETURNS_IN_30_DAYS',
      outcome: 'DECLINE',
      message: '5 returns in the last 30 days (threshold 5).',
    });
  });

  it('asks for review at 6 returns in 90 days, and declines at 10', () => {
    expect(fraudAssessment(policy, { ...clean, returnsIn90Days: 6 }).reasons).toEqual([
      { signal: 'RETURNS_IN_90_DAYS', outcome: 'REVIEW', message: '6 returns in the last 90 days (threshold 6).' },
    ]);
    expect(fraudAssessment(policy, { ...clean, returnsIn90Days: 10 }).outcome).toBe('DECLINE');
  });

  it('judges the returned-value ratio from 50% (review) and 80% (decline) once there are 3 returns', () => {
    const ratio = (returned: number) =>
      fraudAssessment(policy, { ...clean, returnsIn90Days: 3, returnedValue90DaysMinor: returned, purchasedValue90DaysMinor: 10_000 });
    expect(ratio(4_999).outcome).toBe('APPROVE');
    expect(ratio(5_000).reasons).toEqual([
      { signal: 'RETURNED_VALUE_RATIO_90_DAYS', outcome: 'REVIEW', message: 'Returned 50% of the value purchased in the last 90 days (threshold 50%).' },
    ]);
    expect(ratio(8_123)).toEqual({
      outcome: 'DECLINE',
      reasons: [
        { signal: 'RETURNED_VALUE_RATIO_90_DAYS', outcome: 'DECLINE', message: 'Returned 81.23% of the value purchased in the last 90 days (threshold 80%).' },
      ],
    });
  });

  it('ignores the ratio for a customer with fewer than 3 returns, or with no purchases in the period', () => {
    expect(fraudAssessment(policy, { ...clean, returnsIn90Days: 2, returnedValue90DaysMinor: 10_000, purchasedValue90DaysMinor: 10_000 }).outcome).toBe(
      'APPROVE',
    );
    expect(fraudAssessment(policy, { ...clean, returnsIn90Days: 4, returnedValue90DaysMinor: 10_000, purchasedValue90DaysMinor: 0 }).outcome).toBe('APPROVE');
  });

  it('asks for review of a receipt-less return', () => {
    expect(fraudAssessment(policy, { ...clean, receiptless: true })).toEqual({
      outcome: 'REVIEW',
      reasons: [{ signal: 'RECEIPTLESS', outcome: 'REVIEW', message: 'The return has no receipt or order to match it to.' }],
    });
  });

  it('follows the document for receipt-less returns: a policy may accept or decline them', () => {
    const accept = policyWith({ fraud: { ...policy.fraud, receiptless: { outcome: 'APPROVE' } } });
    const decline = policyWith({ fraud: { ...policy.fraud, receiptless: { outcome: 'DECLINE' } } });
    expect(fraudAssessment(accept, { ...clean, receiptless: true })).toEqual({ outcome: 'APPROVE', reasons: [] });
    expect(fraudAssessment(decline, { ...clean, receiptless: true }).outcome).toBe('DECLINE');
  });

  it('lets the worst signal win and lists every signal that fired', () => {
    const assessment = fraudAssessment(policy, {
      returnsIn30Days: 5,
      returnsIn90Days: 7,
      returnedValue90DaysMinor: 6_000,
      purchasedValue90DaysMinor: 10_000,
      receiptless: true,
    });
    expect(assessment.outcome).toBe('DECLINE');
    expect(assessment.reasons.map((r) => [r.signal, r.outcome])).toEqual([
      ['RETURNS_IN_30_DAYS', 'DECLINE'],
      ['RETURNS_IN_90_DAYS', 'REVIEW'],
      ['RETURNED_VALUE_RATIO_90_DAYS', 'REVIEW'],
      ['RECEIPTLESS', 'REVIEW'],
    ]);
  });

  it('throws on negative counts or values, which are caller bugs', () => {
    expect(() => fraudAssessment(policy, { ...clean, returnsIn30Days: -1 })).toThrow('returnsIn30Days must be a non-negative safe integer');
    expect(() => fraudAssessment(policy, { ...clean, purchasedValue90DaysMinor: 1.5 })).toThrow(RangeError);
  });
});

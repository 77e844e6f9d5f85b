import { loadDefaultPolicy } from './load';
import { restockingFeeMinor } from './restocking';
import { policyWith } from './testing/policy-kit';
import { RETURN_REASONS } from './vocabulary';

const policy = loadDefaultPolicy();

describe('restocking fees', () => {
  it('charges 15% on electronics returned as unwanted, style, colour or other', () => {
    for (const reason of ['UNWANTED', 'STYLE', 'COLOR', 'OTHER'] as const) {
      expect(restockingFeeMinor(policy, { category: 'electronics', reason, netValueMinor: 49_900 })).toBe(7_485);
    }
  });

  it('never charges for defective, wrong or not-as-described items, in any category', () => {
    for (const category of ['electronics', 'apparel', 'furniture']) {
      for (const reason of ['DEFECTIVE', 'WRONG_ITEM', 'NOT_AS_DESCRIBED'] as const) {
        expect(restockingFeeMinor(policy, { category, reason, netValueMinor: 100_000 })).toBe(0);
      }
    }
  });

  it('charges nothing on categories without a fee rule', () => {
    for (const reason of RETURN_REASONS) {
      expect(restockingFeeMinor(policy, { category: 'apparel', reason, netValueMinor: 12_345 })).toBe(0);
    }
  });

  it('rounds half up to a whole minor unit', () => {
    // 15% of 10 = 1.5 → 2; 15% of 9 = 1.35 → 1; 15% of 3 = 0.45 → 0; 15% of 1 = 0.15 → 0.
    expect(restockingFeeMinor(policy, { category: 'electronics', reason: 'UNWANTED', netValueMinor: 10 })).toBe(2);
    expect(restockingFeeMinor(policy, { category: 'electronics', reason: 'UNWANTED', netValueMinor: 9 })).toBe(1);
    expect(restockingFeeMinor(policy, { category: 'electronics', reason: 'UNWANTED', netValueMinor: 3 })).toBe(0);
    expect(restockingFeeMinor(policy, { category: 'electronics', reason: 'UNWANTED', netValueMinor: 0 })).toBe(0);
  });

  it('uses fractional percentages as whole basis points', () => {
    const fractional = policyWith({ restockingFees: [{ category: 'furniture', reasons: '*', percent: 12.5 }] });
    // 12.5% of 1 001 = 125.125 → 125; of 1 004 = 125.5 → 126.
    expect(restockingFeeMinor(fractional, { category: 'furniture', reason: 'UNWANTED', netValueMinor: 1_001 })).toBe(125);
    expect(restockingFeeMinor(fractional, { category: 'furniture', reason: 'UNWANTED', netValueMinor: 1_004 })).toBe(126);
  });

  it('never charges more than the net value, even at 100%', () => {
    const full = policyWith({ restockingFees: [{ category: '*', reasons: '*', percent: 100 }] });
    expect(restockingFeeMinor(full, { category: 'toys', reason: 'UNWANTED', netValueMinor: 4_999 })).toBe(4_999);
  });

  it('stays exact for values beyond float precision of the product', () => {
    expect(restockingFeeMinor(policy, { category: 'electronics', reason: 'UNWANTED', netValueMinor: Number.MAX_SAFE_INTEGER })).toBe(1_351_079_888_211_149);
  });

  it('picks the most specific rule: category+reason > category+* > *+reason > *+*', () => {
    const layered = policyWith({
      restockingFees: [
        { category: '*', reasons: '*', percent: 1 },
        { category: '*', reasons: ['UNWANTED'], percent: 2 },
        { category: 'electronics', reasons: '*', percent: 3 },
        { category: 'electronics', reasons: ['UNWANTED'], percent: 4 },
      ],
    });
    const fee = (category: string, reason: 'UNWANTED' | 'STYLE') => restockingFeeMinor(layered, { category, reason, netValueMinor: 10_000 });
    expect(fee('electronics', 'UNWANTED')).toBe(400);
    expect(fee('electronics', 'STYLE')).toBe(300);
    expect(fee('toys', 'UNWANTED')).toBe(200);
    expect(fee('toys', 'STYLE')).toBe(100);
  });

  it('throws on a negative net value, which is a caller bug', () => {
    expect(() => restockingFeeMinor(policy, { category: 'electronics', reason: 'UNWANTED', netValueMinor: -1 })).toThrow(RangeError);
  });
});

import fc from 'fast-check';
import { allocateByLargestRemainder, applyRate, lineTotal, orderTotals } from './totals';

describe('allocateByLargestRemainder', () => {
  it('splits an amount into integer parts that add up exactly and stay within one unit of the exact share', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.array(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 1, maxLength: 8 }), (amount, weights) => {
        const parts = allocateByLargestRemainder(amount, weights);
        const sum = weights.reduce((a, b) => a + b, 0);
        expect(parts.reduce((a, b) => a + b, 0)).toBe(amount);
        parts.forEach((part, i) => {
          expect(Number.isInteger(part)).toBe(true);
          expect(Math.abs(part - (amount * weights[i]!) / sum)).toBeLessThan(1);
        });
      }),
    );
  });

  it('never gives a line more discount than its weight when the amount is at most the weights', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 100_000 }), { minLength: 1, maxLength: 6 }), fc.double({ min: 0, max: 1, noNaN: true }), (weights, share) => {
        const total = weights.reduce((a, b) => a + b, 0);
        const parts = allocateByLargestRemainder(Math.floor(total * share), weights);
        parts.forEach((part, i) => expect(part).toBeLessThanOrEqual(weights[i]!));
      }),
    );
  });

  it('gives the leftover unit to the earlier line on a tie', () => {
    expect(allocateByLargestRemainder(1, [1, 1])).toEqual([1, 0]);
    expect(allocateByLargestRemainder(10, [1, 1, 1])).toEqual([4, 3, 3]);
  });
});

describe('orderTotals', () => {
  it('makes the total equal the line totals plus shipping and its tax', () => {
    const line = fc.record({
      quantity: fc.integer({ min: 1, max: 10 }),
      unitPriceMinor: fc.integer({ min: 0, max: 1_000_000 }),
      discountRatio: fc.double({ min: 0, max: 1, noNaN: true }),
      taxMinor: fc.integer({ min: 0, max: 100_000 }),
    });
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 5 }), fc.option(fc.record({ amountMinor: fc.nat(5000), taxMinor: fc.nat(500) })), (raw, shipping) => {
        const lines = raw.map((l) => ({ ...l, discountMinor: Math.floor(l.unitPriceMinor * l.quantity * l.discountRatio) }));
        const totals = orderTotals(lines, shipping);
        const expected = lines.reduce((sum, l) => sum + lineTotal(l), 0) + (shipping ? shipping.amountMinor + shipping.taxMinor : 0);
        expect(totals.totalMinor).toBe(expected);
        expect(totals.discountTotalMinor).toBeLessThanOrEqual(totals.subtotalMinor);
      }),
    );
  });
});

describe('applyRate', () => {
  it('rounds half up in minor units', () => {
    expect(applyRate(1000, 800)).toBe(80);
    expect(applyRate(6250, 800)).toBe(500);
    expect(applyRate(1, 5000)).toBe(1);
    expect(applyRate(1, 4999)).toBe(0);
  });
});

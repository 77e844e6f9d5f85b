import fc from 'fast-check';
import { applyRate, lineTotal, orderTotals } from './totals';

describe('orderTotals', () => {
  it('makes the total equal the line totals plus shipping and its tax', () => {
    const line = fc.record({
      quantity: fc.integer({ min: 1, max: 10 }),
      unitPriceMinor: fc.integer({ min: 0, max: 1_000_000 }),
      discountRatio: fc.double({ min: 0, max: 1, noNaN: true }),
      taxMinor: fc.integer({ min: 0, max: 100_000 }),
    });
    fc.assert(
      fc.property(
        fc.array(line, { minLength: 1, maxLength: 5 }),
        fc.option(fc.record({ amountMinor: fc.nat(5000), taxMinor: fc.nat(500) })),
        (raw, shipping) => {
          const lines = raw.map((l) => ({ ...l, discountMinor: Math.floor(l.unitPriceMinor * l.quantity * l.discountRatio) }));
          const totals = orderTotals(lines, shipping);
          const expected = lines.reduce((sum, l) => sum + lineTotal(l), 0) + (shipping ? shipping.amountMinor + shipping.taxMinor : 0);
          expect(totals.totalMinor).toBe(expected);
          expect(totals.discountTotalMinor).toBeLessThanOrEqual(totals.subtotalMinor);
        },
      ),
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

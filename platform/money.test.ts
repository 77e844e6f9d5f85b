import fc from 'fast-check';
import { allocate, unitsShare } from './money';

const amounts = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
const weightLists = fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 12 }).filter((weights) => weights.some((w) => w > 0));

describe('allocate', () => {
  it('splits an amount into integer parts that add up to exactly the amount', () => {
    fc.assert(
      fc.property(amounts, weightLists, (amount, weights) => {
        const parts = allocate(amount, weights);
        expect(parts).toHaveLength(weights.length);
        expect(parts.every(Number.isSafeInteger)).toBe(true);
        expect(parts.reduce((a, b) => BigInt(a) + BigInt(b), 0n)).toBe(BigInt(amount));
      }),
    );
  });

  it('keeps each part within one unit of its exact quota', () => {
    fc.assert(
      fc.property(amounts, weightLists, (amount, weights) => {
        const sum = BigInt(weights.reduce((a, b) => a + b, 0));
        allocate(amount, weights).forEach((part, i) => {
          // |part - amount x weight / sum| < 1, compared as integers: |part x sum - amount x weight| < sum.
          const gap = BigInt(part) * sum - BigInt(amount) * BigInt(weights[i] as number);
          expect(gap < 0n ? -gap : gap).toBeLessThan(sum);
        });
      }),
    );
  });

  it('is deterministic: the same arguments always give the same parts', () => {
    fc.assert(fc.property(amounts, weightLists, (amount, weights) => expect(allocate(amount, weights)).toEqual(allocate(amount, [...weights]))));
  });

  it('never gives a part more than its weight when the amount is at most the weights (an order discount over lines)', () => {
    fc.assert(
      fc.property(weightLists, fc.double({ min: 0, max: 1, noNaN: true }), (weights, share) => {
        const amount = Math.floor(weights.reduce((a, b) => a + b, 0) * share);
        allocate(amount, weights).forEach((part, i) => expect(part).toBeLessThanOrEqual(weights[i] as number));
      }),
    );
  });

  it('gives the leftover units to the largest remainders, a tie to the earlier weight', () => {
    expect(allocate(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocate(10, [1, 2, 3])).toEqual([2, 3, 5]);
    expect(allocate(1, [1, 1])).toEqual([1, 0]);
    expect(allocate(2, [0, 1, 1, 1])).toEqual([0, 1, 1, 0]);
  });

  it('never gives a weight of zero anything, and splits nothing into zeros', () => {
    expect(allocate(7, [0, 3, 0])).toEqual([0, 7, 0]);
    expect(allocate(0, [0, 0])).toEqual([0, 0]);
    expect(allocate(0, [])).toEqual([]);
  });

  it('refuses fractions, negatives and a non-zero amount over no weight', () => {
    expect(() => allocate(1.5, [1])).toThrow(RangeError);
    expect(() => allocate(-1, [1])).toThrow(RangeError);
    expect(() => allocate(10, [1, -1])).toThrow(RangeError);
    expect(() => allocate(10, [0.5, 1])).toThrow(RangeError);
    expect(() => allocate(10, [0, 0])).toThrow(RangeError);
    expect(() => allocate(10, [])).toThrow(RangeError);
  });
});

describe('unitsShare', () => {
  it('adds up a line over any sequence of partial returns to exactly its amount', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 8 }), (amount, counts) => {
        const quantity = counts.reduce((a, b) => a + b, 0);
        let from = 0;
        let sum = 0;
        for (const count of counts) {
          sum += unitsShare(amount, quantity, from, count);
          from += count;
        }
        expect(sum).toBe(amount);
      }),
    );
  });

  it('is the sum of the per-unit parts of `allocate` over equal weights', () => {
    expect(unitsShare(100, 3, 0, 1)).toBe(34);
    expect(unitsShare(100, 3, 1, 2)).toBe(66);
    expect(unitsShare(200, 3, 0, 2)).toBe(134);
  });

  it('refuses units outside the line', () => {
    expect(() => unitsShare(100, 3, 2, 2)).toThrow(RangeError);
    expect(() => unitsShare(100, 3, -1, 1)).toThrow(RangeError);
    expect(() => unitsShare(100, 0, 0, 0)).toThrow(RangeError);
  });
});

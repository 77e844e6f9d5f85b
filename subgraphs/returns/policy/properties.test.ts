import fc from 'fast-check';
import { lineEligibility } from './eligibility';
import { loadDefaultPolicy } from './load';
import { restockingFeeMinor } from './restocking';
import { policyWith, eligibilityInput } from './testing/policy-kit';
import { CHANNELS } from '../../../contracts/vocabulary';
import { RETURN_REASONS } from './vocabulary';

const policy = loadDefaultPolicy();
const instant = fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true });

describe('policy properties', () => {
  it('keeps returnableQuantity between 0 and ordered − already returned', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 1_000 }),
        fc.nat({ max: 1_200 }),
        fc.boolean(),
        fc.constantFrom(...CHANNELS),
        fc.constantFrom(...CHANNELS),
        fc.constantFrom('electronics', 'apparel', 'toys'),
        instant,
        fc.option(instant, { nil: null }),
        instant,
        (quantity, alreadyReturnedQuantity, finalSale, orderChannel, returnChannel, category, placedAt, deliveredAt, now) => {
          const verdict = lineEligibility(
            policy,
            eligibilityInput({
              returnChannel,
              alreadyReturnedQuantity,
              now,
              order: { channel: orderChannel, placedAt, deliveredAt },
              line: { quantity, finalSale, category },
            }),
          );
          expect(verdict.returnableQuantity).toBeGreaterThanOrEqual(0);
          expect(verdict.returnableQuantity).toBeLessThanOrEqual(Math.max(0, quantity - alreadyReturnedQuantity));
          expect(verdict.eligible).toBe(verdict.returnableQuantity > 0);
          expect(verdict.eligible).toBe(verdict.reasons.length === 0);
        },
      ),
    );
  });

  it('never makes a restocking fee negative or larger than the net value, whatever the percentage', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.constantFrom(...RETURN_REASONS), fc.maxSafeNat(), (basisPoints, reason, netValueMinor) => {
        const variant = policyWith({ restockingFees: [{ category: '*', reasons: '*', percent: basisPoints / 100 }] });
        const fee = restockingFeeMinor(variant, { category: 'electronics', reason, netValueMinor });
        expect(Number.isSafeInteger(fee)).toBe(true);
        expect(fee).toBeGreaterThanOrEqual(0);
        expect(fee).toBeLessThanOrEqual(netValueMinor);
      }),
      { numRuns: 200 },
    );
  });

  it('never charges the default restocking fee for a retailer-fault reason', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z0-9_-]{1,40}$/),
        fc.constantFrom('DEFECTIVE', 'WRONG_ITEM', 'NOT_AS_DESCRIBED' as const),
        fc.maxSafeNat(),
        (category, reason, netValueMinor) => {
          expect(restockingFeeMinor(policy, { category, reason, netValueMinor })).toBe(0);
        },
      ),
    );
  });
});

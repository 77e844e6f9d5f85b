import { lineEligibility } from './eligibility';
import { loadDefaultPolicy } from './load';
import { at, eligibilityInput, policyWith } from './testing/policy-kit';
import { DAY_MS, returnWindow } from './window';

const policy = loadDefaultPolicy();
const DELIVERED = at('2025-03-04T15:30:00.000Z');
const PLACED = at('2025-03-01T10:00:00.000Z');
const plus = (date: Date, ms: number) => new Date(date.getTime() + ms);

describe('return window edges (web order, apparel, 30 days from delivery)', () => {
  const endsAt = plus(DELIVERED, 30 * DAY_MS);

  it('ends exactly 30 × 24 hours after delivery', () => {
    expect(lineEligibility(policy, eligibilityInput()).windowEndsAt).toEqual(at('2025-04-03T15:30:00.000Z'));
  });

  it('accepts a return one millisecond before the end', () => {
    expect(lineEligibility(policy, eligibilityInput({ now: plus(endsAt, -1) })).eligible).toBe(true);
  });

  it('accepts a return at exactly the end (the end is inclusive)', () => {
    const verdict = lineEligibility(policy, eligibilityInput({ now: endsAt }));
    expect(verdict.eligible).toBe(true);
    expect(verdict.returnableQuantity).toBe(3);
  });

  it('refuses a return one millisecond after the end with WINDOW_EXPIRED', () => {
    const verdict = lineEligibility(policy, eligibilityInput({ now: plus(endsAt, 1) }));
    expect(verdict.eligible).toBe(false);
    expect(verdict.returnableQuantity).toBe(0);
    expect(verdict.reasons).toEqual([{ code: 'WINDOW_EXPIRED', message: `The 30-day return window for this item ended at ${endsAt.toISOString()}.` }]);
  });
});

describe('where the window starts', () => {
  it('counts a POS sale from the purchase, even when a delivery date is known', () => {
    const input = eligibilityInput({ order: { channel: 'POS', deliveredAt: DELIVERED }, returnChannel: 'POS' });
    expect(lineEligibility(policy, input).windowEndsAt).toEqual(plus(PLACED, 30 * DAY_MS));
  });

  it('counts a web and a mobile order from the delivery', () => {
    for (const channel of ['ECOMMERCE', 'MOBILE'] as const) {
      expect(lineEligibility(policy, eligibilityInput({ order: { channel } })).windowEndsAt).toEqual(plus(DELIVERED, 30 * DAY_MS));
    }
  });

  it("keeps the order channel's window when a web order is returned in a store", () => {
    const verdict = lineEligibility(policy, eligibilityInput({ returnChannel: 'POS' }));
    expect(verdict.windowEndsAt).toEqual(plus(DELIVERED, 30 * DAY_MS));
  });

  it("starts an undelivered order's window after the grace days from purchase, and keeps the line eligible meanwhile", () => {
    const verdict = lineEligibility(policy, eligibilityInput({ order: { deliveredAt: null }, now: plus(PLACED, 20 * DAY_MS) }));
    expect(verdict.windowEndsAt).toEqual(plus(PLACED, (14 + 30) * DAY_MS));
    expect(verdict.eligible).toBe(true);
  });

  it('expires an undelivered order once purchase + grace + window has passed', () => {
    const verdict = lineEligibility(policy, eligibilityInput({ order: { deliveredAt: null }, now: plus(PLACED, 44 * DAY_MS + 1) }));
    expect(verdict.reasons.map((r) => r.code)).toEqual(['WINDOW_EXPIRED']);
  });

  it('leaves the window end unknown and the line eligible when no grace is configured', () => {
    const noGrace = policyWith({ windowStart: { default: 'DELIVERY', channels: { POS: 'PURCHASE' }, undeliveredGraceDays: null } });
    const verdict = lineEligibility(noGrace, eligibilityInput({ order: { deliveredAt: null }, now: plus(PLACED, 400 * DAY_MS) }));
    expect(verdict.windowEndsAt).toBeNull();
    expect(verdict.eligible).toBe(true);
    expect(returnWindow(noGrace, { channel: 'ECOMMERCE', placedAt: PLACED, deliveredAt: null }, 'apparel').startsAt).toBeNull();
  });
});

describe('window length by channel and category', () => {
  it('gives electronics 14 days and apparel 30 days on every channel', () => {
    for (const channel of ['ECOMMERCE', 'MOBILE', 'POS', 'MARKETPLACE'] as const) {
      const order = { channel, placedAt: PLACED, deliveredAt: DELIVERED };
      expect(returnWindow(policy, order, 'electronics').days).toBe(14);
      expect(returnWindow(policy, order, 'apparel').days).toBe(30);
    }
  });

  it('refuses electronics on day 15 and takes apparel from the same order', () => {
    const now = plus(DELIVERED, 15 * DAY_MS);
    expect(lineEligibility(policy, eligibilityInput({ line: { category: 'electronics' }, now })).reasons.map((r) => r.code)).toEqual(['WINDOW_EXPIRED']);
    expect(lineEligibility(policy, eligibilityInput({ line: { category: 'apparel' }, now })).eligible).toBe(true);
  });

  it('lets the most specific rule win: channel+category > channel+* > *+category > *+*', () => {
    const specific = policyWith({
      windows: [
        { channel: '*', category: '*', days: 30 },
        { channel: '*', category: 'electronics', days: 14 },
        { channel: 'MARKETPLACE', category: '*', days: 45 },
        { channel: 'MARKETPLACE', category: 'electronics', days: 7 },
      ],
    });
    const days = (channel: 'ECOMMERCE' | 'MARKETPLACE', category: string) =>
      returnWindow(specific, { channel, placedAt: PLACED, deliveredAt: DELIVERED }, category).days;
    expect(days('MARKETPLACE', 'electronics')).toBe(7);
    expect(days('MARKETPLACE', 'apparel')).toBe(45);
    expect(days('ECOMMERCE', 'electronics')).toBe(14);
    expect(days('ECOMMERCE', 'apparel')).toBe(30);
  });

  it('prefers a channel rule over a category rule when both match', () => {
    const channelFirst = policyWith({
      windows: [
        { channel: '*', category: '*', days: 30 },
        { channel: '*', category: 'electronics', days: 14 },
        { channel: 'MARKETPLACE', category: '*', days: 45 },
      ],
    });
    expect(returnWindow(channelFirst, { channel: 'MARKETPLACE', placedAt: PLACED, deliveredAt: DELIVERED }, 'electronics').days).toBe(45);
  });
});

describe('final sale', () => {
  it('refuses a final-sale line with FINAL_SALE, inside the window', () => {
    const verdict = lineEligibility(policy, eligibilityInput({ line: { finalSale: true } }));
    expect(verdict.eligible).toBe(false);
    expect(verdict.returnableQuantity).toBe(0);
    expect(verdict.remainingQuantity).toBe(3);
    expect(verdict.reasons).toEqual([{ code: 'FINAL_SALE', message: 'This item was sold as final sale and cannot be returned.' }]);
  });

  it('refuses every line of an order the commerce platform cancelled, with ORDER_CANCELLED', () => {
    const cancelledAt = plus(PLACED, 3_600_000);
    const verdict = lineEligibility(policy, eligibilityInput({ order: { cancelledAt } }));
    expect(verdict).toMatchObject({ eligible: false, returnableQuantity: 0, remainingQuantity: 3 });
    expect(verdict.reasons).toEqual([
      { code: 'ORDER_CANCELLED', message: `The order was cancelled at ${cancelledAt.toISOString()}; a cancelled order is not returned.` },
    ]);
  });

  it('takes a final-sale line back when the policy says final sale is returnable', () => {
    const lenient = policyWith({ finalSale: { returnable: true } });
    expect(lineEligibility(lenient, eligibilityInput({ line: { finalSale: true } })).eligible).toBe(true);
  });

  it('lists every reason, not just the first', () => {
    const verdict = lineEligibility(policy, eligibilityInput({ line: { finalSale: true }, alreadyReturnedQuantity: 3, now: at('2026-01-01T00:00:00Z') }));
    expect(verdict.reasons.map((r) => r.code)).toEqual(['FINAL_SALE', 'WINDOW_EXPIRED', 'NOTHING_LEFT_TO_RETURN']);
  });
});

describe('quantity left to return', () => {
  it('leaves 1 of 3 when 2 are already returned or in an open return', () => {
    const verdict = lineEligibility(policy, eligibilityInput({ alreadyReturnedQuantity: 2 }));
    expect(verdict).toMatchObject({ eligible: true, returnableQuantity: 1, remainingQuantity: 1 });
  });

  it('leaves nothing when all 3 are returned, with NOTHING_LEFT_TO_RETURN', () => {
    const verdict = lineEligibility(policy, eligibilityInput({ alreadyReturnedQuantity: 3 }));
    expect(verdict).toMatchObject({ eligible: false, returnableQuantity: 0, remainingQuantity: 0 });
    expect(verdict.reasons).toEqual([{ code: 'NOTHING_LEFT_TO_RETURN', message: 'All 3 unit(s) of this line are already returned or in an open return.' }]);
  });

  it('never goes below zero when more is counted as returned than was ordered', () => {
    expect(lineEligibility(policy, eligibilityInput({ alreadyReturnedQuantity: 5 })).remainingQuantity).toBe(0);
  });

  it('throws on a negative or fractional count, which is a caller bug', () => {
    expect(() => lineEligibility(policy, eligibilityInput({ alreadyReturnedQuantity: -1 }))).toThrow(
      'alreadyReturnedQuantity must be a non-negative safe integer, got -1',
    );
    expect(() => lineEligibility(policy, eligibilityInput({ line: { quantity: 1.5 } }))).toThrow(RangeError);
    expect(() => lineEligibility(policy, eligibilityInput({ now: new Date('nonsense') }))).toThrow('now must be a valid Date');
  });
});

describe('refund methods in the verdict', () => {
  it('follows the return channel and ignores tenders with nothing captured', () => {
    const input = eligibilityInput({
      returnChannel: 'POS',
      order: {
        channel: 'POS',
        payments: [
          { method: 'CASH', capturedMinor: 5000 },
          { method: 'GIFT_CARD', capturedMinor: 0 },
        ],
      },
    });
    expect(lineEligibility(policy, input).refundMethods).toEqual(['STORE_CREDIT', 'CASH']);
  });
});

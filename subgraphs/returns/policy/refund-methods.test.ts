import { loadDefaultPolicy } from './load';
import { refundMethodsFor } from './refund-methods';
import { CHANNELS, PAYMENT_METHODS } from '../../../contracts/vocabulary';

const policy = loadDefaultPolicy();

describe('refund methods per channel and tender', () => {
  it('refunds a card order to the original payment or store credit on every own channel', () => {
    for (const channel of ['ECOMMERCE', 'MOBILE', 'POS'] as const) {
      expect(refundMethodsFor(policy, channel, ['CARD'])).toEqual(['ORIGINAL_PAYMENT', 'STORE_CREDIT']);
    }
  });

  it('gives cash back only at POS for a cash tender', () => {
    expect(refundMethodsFor(policy, 'POS', ['CASH'])).toEqual(['STORE_CREDIT', 'CASH']);
    expect(refundMethodsFor(policy, 'ECOMMERCE', ['CASH'])).toEqual(['STORE_CREDIT']);
    expect(refundMethodsFor(policy, 'MOBILE', ['CASH'])).toEqual(['STORE_CREDIT']);
    expect(refundMethodsFor(policy, 'POS', ['CARD'])).not.toContain('CASH');
  });

  it('never offers CASH anywhere but POS with a cash tender, for any tender combination', () => {
    for (const channel of CHANNELS) {
      for (const tender of PAYMENT_METHODS) {
        const cash = refundMethodsFor(policy, channel, [tender]).includes('CASH');
        expect([channel, tender, cash]).toEqual([channel, tender, channel === 'POS' && tender === 'CASH']);
      }
    }
  });

  it('refunds a gift-card tender to a gift card or store credit', () => {
    expect(refundMethodsFor(policy, 'ECOMMERCE', ['GIFT_CARD'])).toEqual(['STORE_CREDIT', 'GIFT_CARD']);
    expect(refundMethodsFor(policy, 'POS', ['GIFT_CARD'])).toEqual(['STORE_CREDIT', 'GIFT_CARD']);
  });

  it('refunds a store-credit tender to store credit only', () => {
    expect(refundMethodsFor(policy, 'MOBILE', ['STORE_CREDIT'])).toEqual(['STORE_CREDIT']);
  });

  it("refunds marketplace returns through the marketplace's original payment only", () => {
    expect(refundMethodsFor(policy, 'MARKETPLACE', ['CARD'])).toEqual(['ORIGINAL_PAYMENT']);
    expect(refundMethodsFor(policy, 'MARKETPLACE', ['GIFT_CARD'])).toEqual(['ORIGINAL_PAYMENT']);
  });

  it('allows the union of the methods of a split-tender order, each once, in a fixed order', () => {
    expect(refundMethodsFor(policy, 'POS', ['GIFT_CARD', 'CASH', 'CARD', 'CASH'])).toEqual(['ORIGINAL_PAYMENT', 'STORE_CREDIT', 'GIFT_CARD', 'CASH']);
  });

  it('allows nothing when nothing was paid', () => {
    expect(refundMethodsFor(policy, 'ECOMMERCE', [])).toEqual([]);
  });
});

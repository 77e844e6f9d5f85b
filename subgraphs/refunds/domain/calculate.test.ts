import fc from 'fast-check';
import { calculateRefund, type CalcOrder, type PriorRefunds } from './calculate';

const none: PriorRefunds = { unitsByOrderLine: new Map(), byPayment: new Map(), shippingRefunded: false, unattributedMinor: 0 };

/** Two lines: 3 x 20.00 with 10.00 off and 4.80 tax; 1 x 50.00 with 4.00 tax; shipping 5.00 + 0.40. Paid by card 85.00 and gift card 29.20 (total 114.20). */
const order: CalcOrder = {
  currency: 'USD',
  customerId: 'cus_1',
  lines: [
    { orderLineId: 'oli_A', sku: 'A', quantity: 3, unitPriceMinor: 2000, discountMinor: 1000, taxMinor: 480 },
    { orderLineId: 'oli_B', sku: 'B', quantity: 1, unitPriceMinor: 5000, discountMinor: 0, taxMinor: 400 },
  ],
  shippingMinor: 500,
  shippingTaxMinor: 40,
  payments: [
    { paymentId: 'pay_gift', provider: 'gift_card', providerReference: 'gc_1', method: 'GIFT_CARD', capturedMinor: 2920 },
    { paymentId: 'pay_card', provider: 'stripe', providerReference: 'pi_1', method: 'CARD', capturedMinor: 8500 },
  ],
};

describe('calculateRefund', () => {
  it('prorates discount and tax per unit and shows every component', () => {
    const result = calculateRefund({
      order,
      returnLines: [{ returnLineId: 'rli_1', orderLineId: 'oli_A', quantity: 1, reason: 'UNWANTED', restockingFeeMinor: 0 }],
      prior: none,
      refundMethod: 'ORIGINAL_PAYMENT',
    });
    if (!result.ok) throw new Error(result.message);
    // 20.00 - 3.34 (first of 3.34/3.33/3.33) + 1.60 tax = 18.26
    expect(result.lines).toEqual([
      expect.objectContaining({ merchandiseMinor: 2000, discountMinor: 334, taxMinor: 160, restockingFeeMinor: 0, totalMinor: 1826 }),
    ]);
    expect(result.totalMinor).toBe(1826);
  });

  it('refunds shipping on the return that completes the order, or at once when the retailer was at fault', () => {
    const partial = calculateRefund({
      order,
      returnLines: [{ returnLineId: null, orderLineId: 'oli_B', quantity: 1, reason: 'UNWANTED', restockingFeeMinor: 0 }],
      prior: none,
      refundMethod: 'ORIGINAL_PAYMENT',
    });
    expect(partial.ok && partial.lines.some((l) => l.kind === 'SHIPPING')).toBe(false);
    const fault = calculateRefund({
      order,
      returnLines: [{ returnLineId: null, orderLineId: 'oli_B', quantity: 1, reason: 'DEFECTIVE', restockingFeeMinor: 0 }],
      prior: none,
      refundMethod: 'ORIGINAL_PAYMENT',
    });
    expect(fault.ok && fault.lines.find((l) => l.kind === 'SHIPPING')?.totalMinor).toBe(540);
    const rest = calculateRefund({
      order,
      returnLines: [{ returnLineId: null, orderLineId: 'oli_A', quantity: 3, reason: 'UNWANTED', restockingFeeMinor: 0 }],
      prior: { ...none, unitsByOrderLine: new Map([['oli_B', 1]]), byPayment: new Map([['pay_card', 5400]]) },
      refundMethod: 'ORIGINAL_PAYMENT',
    });
    expect(rest.ok && rest.lines.find((l) => l.kind === 'SHIPPING')?.totalMinor).toBe(540);
  });

  it('takes the restocking fee off the line', () => {
    const result = calculateRefund({
      order,
      returnLines: [{ returnLineId: null, orderLineId: 'oli_B', quantity: 1, reason: 'UNWANTED', restockingFeeMinor: 750 }],
      prior: none,
      refundMethod: 'ORIGINAL_PAYMENT',
    });
    expect(result.ok && result.totalMinor).toBe(5400 - 750);
  });

  it('pays back the card before the gift card and never more than each captured less already refunded', () => {
    const result = calculateRefund({
      order,
      returnLines: [
        { returnLineId: null, orderLineId: 'oli_A', quantity: 3, reason: 'DEFECTIVE', restockingFeeMinor: 0 },
        { returnLineId: null, orderLineId: 'oli_B', quantity: 1, reason: 'DEFECTIVE', restockingFeeMinor: 0 },
      ],
      prior: none,
      refundMethod: 'ORIGINAL_PAYMENT',
    });
    if (!result.ok) throw new Error(result.message);
    expect(result.totalMinor).toBe(11420);
    expect(result.tenders.map((t) => [t.method, t.paymentId, t.amountMinor])).toEqual([
      ['ORIGINAL_PAYMENT', 'pay_card', 8500],
      ['GIFT_CARD', 'pay_gift', 2920],
    ]);
  });

  it('routes store credit and gift card tenders to the store-credit ledger with the account they credit', () => {
    const lines = [{ returnLineId: null, orderLineId: 'oli_B', quantity: 1, reason: 'UNWANTED', restockingFeeMinor: 0 }];
    const plan = (refundMethod: 'ORIGINAL_PAYMENT' | 'STORE_CREDIT' | 'GIFT_CARD' | 'CASH', of: CalcOrder = order) => {
      // 20.00 of the line's 54.00, so it fits in what the gift card has left.
      const result = calculateRefund({
        order: of,
        returnLines: lines,
        prior: { ...none, byPayment: new Map([['pay_card', 8500]]) },
        refundMethod,
        overrideMinor: 2000,
      });
      if (!result.ok) throw new Error(result.message);
      return result.tenders.map((t) => [t.method, t.provider, t.paymentReference, t.paymentId]);
    };
    // The card is used up: the original payment left is the gift card, paid back to that card.
    expect(plan('ORIGINAL_PAYMENT')).toEqual([['GIFT_CARD', 'store_credit', 'gift_card:gc_1', 'pay_gift']]);
    expect(plan('STORE_CREDIT')).toEqual([['STORE_CREDIT', 'store_credit', 'customer:cus_1', null]]);
    expect(plan('GIFT_CARD')).toEqual([['GIFT_CARD', 'store_credit', 'gift_card:gc_1', null]]);
    const cardOnly: CalcOrder = { ...order, payments: order.payments.filter((p) => p.method === 'CARD') };
    expect(plan('GIFT_CARD', { ...cardOnly, payments: cardOnly.payments.map((p) => ({ ...p, capturedMinor: 20_000 })) })).toEqual([
      ['GIFT_CARD', 'store_credit', 'new_gift_card:cus_1', null],
    ]);
    expect(plan('CASH')).toEqual([['CASH', 'internal', null, null]]);
    const paidWithCredit: CalcOrder = {
      ...order,
      payments: [{ paymentId: 'pay_credit', provider: 'store_credit', providerReference: 'scp_1', method: 'STORE_CREDIT', capturedMinor: 9000 }],
    };
    expect(plan('ORIGINAL_PAYMENT', paidWithCredit)).toEqual([['STORE_CREDIT', 'store_credit', 'customer:cus_1', 'pay_credit']]);
  });

  it('never pays back what the commerce platform already refunded of a capture itself', () => {
    const refundedOutside: CalcOrder = {
      ...order,
      payments: order.payments.map((p) => (p.paymentId === 'pay_card' ? { ...p, refundedExternallyMinor: 5000 } : p)),
    };
    const lines = [{ returnLineId: null, orderLineId: 'oli_B', quantity: 1, reason: 'DEFECTIVE', restockingFeeMinor: 0 }];
    const result = calculateRefund({ order: refundedOutside, returnLines: lines, prior: none, refundMethod: 'ORIGINAL_PAYMENT' });
    if (!result.ok) throw new Error(result.message);
    expect(result.tenders.map((t) => [t.paymentId, t.amountMinor])).toEqual([
      ['pay_card', 3500],
      ['pay_gift', 2440],
    ]);
    const everything = calculateRefund({
      order: refundedOutside,
      returnLines: [{ returnLineId: null, orderLineId: 'oli_A', quantity: 3, reason: 'DEFECTIVE', restockingFeeMinor: 0 }, ...lines],
      prior: none,
      refundMethod: 'ORIGINAL_PAYMENT',
    });
    expect(everything).toMatchObject({ ok: false, code: 'EXCEEDS_REFUNDABLE' });
  });

  it('refuses an over-refund and a line returned beyond its quantity', () => {
    const over = calculateRefund({
      order,
      returnLines: [{ returnLineId: null, orderLineId: 'oli_B', quantity: 1, reason: 'UNWANTED', restockingFeeMinor: 0 }],
      prior: {
        ...none,
        byPayment: new Map([
          ['pay_card', 8500],
          ['pay_gift', 0],
        ]),
        unattributedMinor: 2000,
      },
      refundMethod: 'ORIGINAL_PAYMENT',
    });
    expect(over).toMatchObject({ ok: false, code: 'EXCEEDS_REFUNDABLE' });
    const beyond = calculateRefund({
      order,
      returnLines: [{ returnLineId: null, orderLineId: 'oli_A', quantity: 2, reason: 'UNWANTED', restockingFeeMinor: 0 }],
      prior: { ...none, unitsByOrderLine: new Map([['oli_A', 2]]) },
      refundMethod: 'ORIGINAL_PAYMENT',
    });
    expect(beyond).toMatchObject({ ok: false, code: 'EXCEEDS_LINE_QUANTITY' });
  });

  it('lets an override lower the amount with a visible adjustment, but not raise it', () => {
    const lower = calculateRefund({
      order,
      returnLines: [{ returnLineId: null, orderLineId: 'oli_B', quantity: 1, reason: 'UNWANTED', restockingFeeMinor: 0 }],
      prior: none,
      refundMethod: 'STORE_CREDIT',
      overrideMinor: 5000,
    });
    if (!lower.ok) throw new Error(lower.message);
    expect(lower.totalMinor).toBe(5000);
    expect(lower.lines.at(-1)).toMatchObject({ kind: 'ADJUSTMENT', totalMinor: -400 });
    expect(lower.tenders).toEqual([expect.objectContaining({ method: 'STORE_CREDIT', amountMinor: 5000 })]);
    const higher = calculateRefund({
      order,
      returnLines: [{ returnLineId: null, orderLineId: 'oli_B', quantity: 1, reason: 'UNWANTED', restockingFeeMinor: 0 }],
      prior: none,
      refundMethod: 'ORIGINAL_PAYMENT',
      overrideMinor: 9000,
    });
    expect(higher).toMatchObject({ ok: false, code: 'EXCEEDS_REFUNDABLE' });
  });

  it('never refunds more than was captured, over any sequence of partial returns (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ line: fc.constantFrom('oli_A', 'oli_B'), quantity: fc.integer({ min: 1, max: 3 }), fault: fc.boolean() }), { maxLength: 6 }),
        (returns) => {
          const units = new Map<string, number>();
          const byPayment = new Map<string, number>();
          let shippingRefunded = false;
          let refunded = 0;
          for (const step of returns) {
            const result = calculateRefund({
              order,
              returnLines: [
                { returnLineId: null, orderLineId: step.line, quantity: step.quantity, reason: step.fault ? 'DEFECTIVE' : 'UNWANTED', restockingFeeMinor: 0 },
              ],
              prior: { unitsByOrderLine: units, byPayment, shippingRefunded, unattributedMinor: 0 },
              refundMethod: 'ORIGINAL_PAYMENT',
            });
            if (!result.ok) continue;
            units.set(step.line, (units.get(step.line) ?? 0) + step.quantity);
            for (const tender of result.tenders)
              if (tender.paymentId) byPayment.set(tender.paymentId, (byPayment.get(tender.paymentId) ?? 0) + tender.amountMinor);
            shippingRefunded ||= result.lines.some((l) => l.kind === 'SHIPPING');
            refunded += result.totalMinor;
            expect(result.tenders.reduce((s, t) => s + t.amountMinor, 0)).toBe(result.totalMinor);
          }
          expect(refunded).toBeLessThanOrEqual(11420);
          for (const payment of order.payments) expect(byPayment.get(payment.paymentId) ?? 0).toBeLessThanOrEqual(payment.capturedMinor);
        },
      ),
    );
  });
});

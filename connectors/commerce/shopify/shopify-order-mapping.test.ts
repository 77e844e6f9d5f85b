import fc from 'fast-check';
import { minorOf } from './shopify-amounts';
import { UnmappableShopifyOrderError } from './shopify-errors';
import { categoryOf, channelOf, mapShopifyOrder, paymentMethodOf, providerOf, providerReferenceOf } from './shopify-order-mapping';
import type { ShopifyOrder, ShopifyTransaction } from './shopify-types';

const money = (amount: string, currencyCode = 'USD') => ({ shopMoney: { amount, currencyCode } });

function transaction(overrides: Partial<ShopifyTransaction> = {}): ShopifyTransaction {
  return {
    id: 'gid://shopify/OrderTransaction/501',
    kind: 'SALE',
    status: 'SUCCESS',
    gateway: 'shopify_payments',
    authorizationCode: '53433',
    receiptJson: {},
    processedAt: '2026-11-02T10:05:00Z',
    createdAt: '2026-11-02T10:04:00Z',
    amountSet: money('61.97'),
    ...overrides,
  };
}

function order(overrides: Partial<ShopifyOrder> = {}): ShopifyOrder {
  return {
    id: 'gid://shopify/Order/450789469',
    name: '#1001',
    createdAt: '2026-11-02T10:00:00Z',
    updatedAt: '2026-11-03T08:00:00Z',
    processedAt: '2026-11-02T10:01:00Z',
    cancelledAt: null,
    sourceName: 'web',
    email: 'ada@example.com',
    currencyCode: 'USD',
    customer: { id: 'gid://shopify/Customer/207119551', displayName: 'Ada Lovelace', email: 'ada@old.example.com' },
    retailLocation: null,
    transactions: [transaction()],
    fulfillments: [],
    lineItems: {
      nodes: [
        {
          id: 'gid://shopify/LineItem/1',
          sku: 'TEE-M',
          title: 'Tee',
          quantity: 3,
          originalUnitPriceSet: money('19.99'),
          discountAllocations: [{ allocatedAmountSet: money('3.00') }, { allocatedAmountSet: money('0.10') }],
          taxLines: [{ priceSet: money('2.20') }, { priceSet: money('1.10') }],
          product: { productType: 'Apparel' },
        },
        {
          id: 'gid://shopify/LineItem/2',
          sku: null,
          title: 'Tip',
          quantity: 1,
          originalUnitPriceSet: money('2.00'),
          discountAllocations: [],
          taxLines: [],
          product: null,
        },
        {
          id: 'gid://shopify/LineItem/3',
          sku: ' MUG ',
          title: 'Mug',
          quantity: 1,
          originalUnitPriceSet: money('5.5'),
          discountAllocations: [],
          taxLines: [],
          product: { productType: '' },
        },
      ],
    },
    shippingLines: { nodes: [{ title: 'Standard', discountedPriceSet: money('4.90'), taxLines: [{ priceSet: money('0.49') }] }] },
    ...overrides,
  };
}

describe('mapShopifyOrder', () => {
  it('maps an online order: lines with a SKU, amounts in minor units, shipping, payments, customer', () => {
    const mapped = mapShopifyOrder(order());
    expect(mapped).toEqual({
      source: 'shopify',
      externalId: '450789469',
      channel: 'ECOMMERCE',
      storeId: null,
      marketplacePartnerId: null,
      customerId: 'cus_shp_207119551',
      customerEmail: 'ada@example.com',
      customerName: 'Ada Lovelace',
      placedAt: new Date('2026-11-02T10:01:00Z'),
      deliveredAt: null,
      cancelledAt: null,
      currency: 'USD',
      shipping: { method: 'Standard', amountMinor: 490, taxMinor: 49 },
      lines: [
        { sku: 'TEE-M', title: 'Tee', category: 'apparel', quantity: 3, unitPriceMinor: 1999, discountMinor: 310, taxMinor: 330, finalSale: false },
        { sku: 'MUG', title: 'Mug', category: 'general', quantity: 1, unitPriceMinor: 550, discountMinor: 0, taxMinor: 0, finalSale: false },
      ],
      payments: [
        {
          provider: 'shopify_payments',
          providerReference: 'shopify_txn_501',
          method: 'CARD',
          capturedMinor: 6197,
          capturedAt: new Date('2026-11-02T10:05:00Z'),
        },
      ],
    });
  });

  it('keeps only successful sales and captures as payments, with the provider reference from a Stripe receipt when there is one', () => {
    const mapped = mapShopifyOrder(
      order({
        transactions: [
          transaction({ id: 'gid://shopify/OrderTransaction/1', kind: 'AUTHORIZATION', gateway: 'stripe' }),
          transaction({
            id: 'gid://shopify/OrderTransaction/2',
            kind: 'CAPTURE',
            gateway: 'stripe',
            receiptJson: '{"payment_intent":"pi_3Nabc","amount":3000}',
            amountSet: money('30.00'),
          }),
          transaction({ id: 'gid://shopify/OrderTransaction/3', kind: 'SALE', status: 'FAILURE', gateway: 'paypal' }),
          transaction({ id: 'gid://shopify/OrderTransaction/4', kind: 'SALE', gateway: 'gift_card', amountSet: money('10.00') }),
          transaction({ id: 'gid://shopify/OrderTransaction/5', kind: 'SALE', gateway: 'Cash', amountSet: money('5.00') }),
          transaction({ id: 'gid://shopify/OrderTransaction/6', kind: 'REFUND', gateway: 'stripe' }),
        ],
      }),
    );
    expect(mapped.payments.map((p) => [p.provider, p.providerReference, p.method, p.capturedMinor])).toEqual([
      ['stripe', 'pi_3Nabc', 'CARD', 3000],
      ['gift_card', 'shopify_txn_4', 'GIFT_CARD', 1000],
      ['cash', 'shopify_txn_5', 'CASH', 500],
    ]);
  });

  it('maps a POS sale to its retail location and takes delivery as the latest fulfillment', () => {
    const mapped = mapShopifyOrder(
      order({
        sourceName: 'pos',
        retailLocation: { id: 'gid://shopify/Location/655441491' },
        fulfillments: [
          { createdAt: '2026-11-02T10:02:00Z', deliveredAt: null, location: { id: 'gid://shopify/Location/655441491' } },
          { createdAt: '2026-11-02T10:03:00Z', deliveredAt: null, location: null },
        ],
      }),
      { locationPrefix: 'loc_shp_' },
    );
    expect(mapped).toMatchObject({ channel: 'POS', storeId: 'loc_shp_655441491', deliveredAt: new Date('2026-11-02T10:03:00Z') });
  });

  it('takes a POS order without a retail location to the location that fulfilled it, and refuses one with neither', () => {
    const fulfilled = order({
      sourceName: 'pos',
      fulfillments: [{ createdAt: '2026-11-02T10:02:00Z', deliveredAt: null, location: { id: 'gid://shopify/Location/9' } }],
    });
    expect(mapShopifyOrder(fulfilled).storeId).toBe('loc_shp_9');
    expect(() => mapShopifyOrder(order({ sourceName: 'pos' }))).toThrow(expect.objectContaining({ reason: 'NO_STORE' }));
  });

  it('takes delivery of a shipped order from carriers only, and reads cancellation and mobile sources', () => {
    const mapped = mapShopifyOrder(
      order({
        sourceName: 'iphone',
        cancelledAt: '2026-11-04T00:00:00Z',
        fulfillments: [
          { createdAt: '2026-11-02T12:00:00Z', deliveredAt: '2026-11-05T09:00:00Z', location: null },
          { createdAt: '2026-11-02T13:00:00Z', deliveredAt: null, location: null },
        ],
      }),
    );
    expect(mapped).toMatchObject({ channel: 'MOBILE', deliveredAt: new Date('2026-11-05T09:00:00Z'), cancelledAt: new Date('2026-11-04T00:00:00Z') });
    expect(mapShopifyOrder(order({ fulfillments: [{ createdAt: '2026-11-02T12:00:00Z', deliveredAt: null, location: null }] })).deliveredAt).toBeNull();
  });

  it('gives a guest checkout a customer id of its own', () => {
    expect(mapShopifyOrder(order({ customer: null, email: null }))).toMatchObject({
      customerId: 'cus_shp_guest_450789469',
      customerEmail: null,
      customerName: null,
    });
  });

  it('reads a zero-decimal currency with Shopify trailing zeros', () => {
    const yen = (amount: string) => money(amount, 'JPY');
    const mapped = mapShopifyOrder(
      order({
        currencyCode: 'JPY',
        transactions: [transaction({ amountSet: yen('3000.0') })],
        shippingLines: { nodes: [] },
        lineItems: {
          nodes: [
            {
              id: 'gid://shopify/LineItem/1',
              sku: 'CUP',
              title: 'Cup',
              quantity: 2,
              originalUnitPriceSet: yen('1500.0'),
              discountAllocations: [],
              taxLines: [],
              product: null,
            },
          ],
        },
      }),
    );
    expect(mapped).toMatchObject({ currency: 'JPY', shipping: null, lines: [{ unitPriceMinor: 1500 }], payments: [{ capturedMinor: 3000 }] });
  });

  it('refuses, naming the order, one without SKU lines, in an unknown currency, or with an amount that is not money', () => {
    const noSku = order({ lineItems: { nodes: [] } });
    expect(() => mapShopifyOrder(noSku)).toThrow(UnmappableShopifyOrderError);
    expect(() => mapShopifyOrder(noSku)).toThrow(/gid:\/\/shopify\/Order\/450789469.*NO_SKU_LINES/);
    expect(() => mapShopifyOrder(order({ currencyCode: 'XXX' }))).toThrow(expect.objectContaining({ reason: 'UNSUPPORTED_CURRENCY' }));
    const fractionalCents = order({ shippingLines: { nodes: [{ title: 'Odd', discountedPriceSet: money('1.005'), taxLines: [] }] } });
    expect(() => mapShopifyOrder(fractionalCents)).toThrow(expect.objectContaining({ reason: 'INVALID_AMOUNT' }));
  });
});

describe('mapping rules', () => {
  it('normalises product types and gateways to slugs', () => {
    expect(categoryOf('  Home & Garden ')).toBe('home_garden');
    expect(categoryOf('')).toBe('general');
    expect(categoryOf(null)).toBe('general');
    expect(providerOf('Shopify Payments')).toBe('shopify_payments');
    expect(providerOf(null)).toBe('manual');
    expect(paymentMethodOf('paypal_express')).toBe('PAYPAL');
    expect(paymentMethodOf('bogus')).toBe('CARD');
  });

  it('calls an order POS when sold at a counter, MOBILE from an app, else ECOMMERCE', () => {
    expect(channelOf({ sourceName: 'web', retailLocation: { id: 'gid://shopify/Location/1' } })).toBe('POS');
    expect(channelOf({ sourceName: 'android', retailLocation: null })).toBe('MOBILE');
    expect(channelOf({ sourceName: '1234567', retailLocation: null })).toBe('ECOMMERCE');
  });

  it('falls back to the transaction id when a receipt has no provider id', () => {
    expect(providerReferenceOf({ id: 'gid://shopify/OrderTransaction/77', receiptJson: 'not json' })).toBe('shopify_txn_77');
    expect(providerReferenceOf({ id: 'gid://shopify/OrderTransaction/77', receiptJson: { charge: 'ch_1' } })).toBe('ch_1');
  });

  it('converts decimal strings to minor units exactly (no float ever)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 12 }), (cents) => {
        const text = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
        expect(minorOf(text, 'USD')).toBe(cents);
        expect(minorOf(`${text}0`, 'USD')).toBe(cents);
      }),
    );
  });
});

import { validateRecordOrderInput } from './validate';
import type { RecordOrderInput } from './record-order-input';

function input(overrides: Partial<RecordOrderInput> = {}): RecordOrderInput {
  return {
    source: ' Shopify ',
    externalId: ' 1001 ',
    channel: 'POS',
    storeId: 'loc_store_nyc',
    customer: { id: 'cus_demo_0001' },
    placedAt: new Date('2026-11-20T10:00:00Z'),
    currencyCode: 'USD',
    lines: [{ sku: 'SKU-APP-001', title: 'Organic Cotton T-Shirt', category: 'Apparel', quantity: 1, unitPrice: '24', tax: '1.92' }],
    payments: [{ provider: 'cash', providerReference: 'c-1', method: 'CASH', capturedAmount: '25.92', capturedAt: new Date('2026-11-20T10:00:00Z') }],
    ...overrides,
  };
}

describe('validateRecordOrderInput', () => {
  it('normalises text and converts decimal amounts to minor units', () => {
    const result = validateRecordOrderInput(input());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.order).toMatchObject({ source: 'shopify', externalId: '1001', currency: 'USD', shipping: null });
    expect(result.order.lines[0]).toMatchObject({ category: 'apparel', unitPriceMinor: 2400, discountMinor: 0, taxMinor: 192, finalSale: false });
    expect(result.order.payments[0]?.capturedMinor).toBe(2592);
  });

  it('refuses a currency outside CURRENCY_CODES with UNSUPPORTED_CURRENCY', () => {
    const result = validateRecordOrderInput(input({ currencyCode: 'XXX' }));
    expect(result).toEqual({ ok: false, errors: [expect.objectContaining({ code: 'UNSUPPORTED_CURRENCY', field: ['input', 'currencyCode'] })] });
  });

  it('reads amounts in the precision of the order currency', () => {
    const yen = validateRecordOrderInput(
      input({ currencyCode: 'JPY', lines: [{ sku: 'S', title: 'T', category: 'home', quantity: 2, unitPrice: '1500' }], payments: [] }),
    );
    expect(yen.ok && yen.order.lines[0]?.unitPriceMinor).toBe(1500);
    const cents = validateRecordOrderInput(
      input({ currencyCode: 'JPY', lines: [{ sku: 'S', title: 'T', category: 'home', quantity: 1, unitPrice: '15.50' }], payments: [] }),
    );
    expect(cents).toEqual({ ok: false, errors: [expect.objectContaining({ code: 'INVALID_AMOUNT', field: ['input', 'lines', '0', 'unitPrice'] })] });
  });

  it('reports every failure at once', () => {
    const result = validateRecordOrderInput(input({ storeId: null, lines: [{ sku: ' ', title: 'T', category: 'home', quantity: 0, unitPrice: 'x' }] }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.code).sort()).toEqual(['INVALID_AMOUNT', 'INVALID_QUANTITY', 'INVALID_VALUE', 'STORE_REQUIRED']);
  });

  it('refuses a partner on an order that is not a marketplace order', () => {
    const result = validateRecordOrderInput(input({ marketplacePartnerId: 'mkp_demo_a' }));
    expect(result).toEqual({ ok: false, errors: [expect.objectContaining({ code: 'MARKETPLACE_PARTNER_NOT_ALLOWED' })] });
  });

  it('refuses the same payment listed twice', () => {
    const payment = { provider: 'stripe', providerReference: 'ch_1', method: 'CARD' as const, capturedAmount: '1.00', capturedAt: new Date() };
    const result = validateRecordOrderInput(input({ payments: [payment, payment] }));
    expect(result).toEqual({
      ok: false,
      errors: [expect.objectContaining({ code: 'DUPLICATE_PAYMENT', field: ['input', 'payments', '1', 'providerReference'] })],
    });
  });

  it('maps each schema issue to a userError with its code, its path into the input and its message', () => {
    const result = validateRecordOrderInput(input({ customer: { id: '  ' }, currencyCode: 'usd', deliveredAt: new Date('2026-11-19T00:00:00Z') }));
    expect(result).toEqual({
      ok: false,
      errors: [
        { code: 'INVALID_VALUE', field: ['input', 'customer', 'id'], message: 'customer.id must not be blank.' },
        { code: 'DELIVERED_BEFORE_PLACED', field: ['input', 'deliveredAt'], message: 'deliveredAt must not be before placedAt.' },
      ],
    });
    expect(validateRecordOrderInput(input({ currencyCode: ' xxx ' }))).toEqual({
      ok: false,
      errors: [{ code: 'UNSUPPORTED_CURRENCY', field: ['input', 'currencyCode'], message: 'Currency " xxx " is not supported.' }],
    });
  });

  it('compares a discount with the price only once both amounts were read', () => {
    const unreadable = validateRecordOrderInput(
      input({ lines: [{ sku: 'S', title: 'T', category: 'home', quantity: 1, unitPrice: 'x', discount: '5.00' }], payments: [] }),
    );
    expect(unreadable.ok || unreadable.errors.map((e) => e.code)).toEqual(['INVALID_AMOUNT']);
    const above = validateRecordOrderInput(
      input({ lines: [{ sku: 'S', title: 'T', category: 'home', quantity: 2, unitPrice: '2.00', discount: '4.01' }], payments: [] }),
    );
    expect(above).toEqual({ ok: false, errors: [expect.objectContaining({ code: 'DISCOUNT_EXCEEDS_PRICE', field: ['input', 'lines', '0', 'discount'] })] });
  });

  it('checks captures against the total only for an order that passed every rule', () => {
    const result = validateRecordOrderInput(
      input({ payments: [{ provider: 'cash', providerReference: 'c-1', method: 'CASH', capturedAmount: '25.93', capturedAt: new Date() }] }),
    );
    expect(result).toEqual({ ok: false, errors: [expect.objectContaining({ code: 'CAPTURED_EXCEEDS_TOTAL', field: ['input', 'payments'] })] });
  });
});

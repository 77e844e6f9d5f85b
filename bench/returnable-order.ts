/** Units of the returnable line of each bench order: one authorizeReturn takes one. */
export const UNITS_PER_ORDER = 3;

/**
 * A `recordOrder` input the write benches return against: a line of `UNITS_PER_ORDER` T-shirts and
 * a duvet never returned, placed four days and delivered two days ago, paid by card. `prefix`
 * keeps each bench's orders, customers and payment references apart.
 */
export function returnableOrderInput(prefix: string, i: number, customerId: string, externalId: string): Record<string, unknown> {
  const placedAt = new Date(Date.now() - 4 * 24 * 3600_000).toISOString();
  const deliveredAt = new Date(Date.now() - 2 * 24 * 3600_000).toISOString();
  return {
    source: prefix === 'bench' ? 'bench' : `bench-${prefix}`,
    externalId,
    channel: 'ECOMMERCE',
    customer: { id: customerId },
    placedAt,
    deliveredAt,
    currencyCode: 'USD',
    lines: [
      { sku: 'SKU-APP-001', title: 'Organic Cotton T-Shirt', category: 'apparel', quantity: UNITS_PER_ORDER, unitPrice: '24.00' },
      // Never returned: keeps the returned share of the customer's purchases under the fraud decline ratio.
      { sku: 'SKU-HOM-002', title: 'Linen Duvet Cover', category: 'home', quantity: 1, unitPrice: '159.00' },
    ],
    payments: [
      {
        provider: 'stripe',
        providerReference: `pi_${prefix}_${i}`,
        method: 'CARD',
        capturedAmount: (24 * UNITS_PER_ORDER + 159).toFixed(2),
        capturedAt: placedAt,
      },
    ],
  };
}

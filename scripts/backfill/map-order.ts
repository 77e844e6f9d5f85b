import { formatMinor } from '../../platform/money';
import type { NewOrder } from '../../contracts/orders';

/**
 * A feed's order (`NewOrder`: minor units, `Date`s) as `recordOrder`'s input (decimal strings in
 * the order's currency, ISO-8601 instants), as GraphQL variables carry it. The orders subgraph
 * parses it back into the same `NewOrder`, so nothing is rounded on the way.
 */
export function recordOrderInput(order: NewOrder): Record<string, unknown> {
  const money = (minor: number) => formatMinor(minor, order.currency);
  return {
    source: order.source,
    externalId: order.externalId,
    channel: order.channel,
    storeId: order.storeId,
    marketplacePartnerId: order.marketplacePartnerId,
    customer: { id: order.customerId, email: order.customerEmail, name: order.customerName },
    placedAt: order.placedAt.toISOString(),
    deliveredAt: order.deliveredAt?.toISOString() ?? null,
    ...(order.cancelledAt !== undefined && { cancelledAt: order.cancelledAt?.toISOString() ?? null }),
    currencyCode: order.currency,
    lines: order.lines.map((line) => ({
      sku: line.sku,
      title: line.title,
      category: line.category,
      quantity: line.quantity,
      unitPrice: money(line.unitPriceMinor),
      discount: money(line.discountMinor),
      tax: money(line.taxMinor),
      finalSale: line.finalSale,
    })),
    shipping: order.shipping ? { method: order.shipping.method, amount: money(order.shipping.amountMinor), tax: money(order.shipping.taxMinor) } : null,
    payments: order.payments.map((payment) => ({
      provider: payment.provider,
      providerReference: payment.providerReference,
      method: payment.method,
      capturedAmount: money(payment.capturedMinor),
      capturedAt: payment.capturedAt.toISOString(),
    })),
  };
}
